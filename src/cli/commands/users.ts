import { OpenNoticeError } from '../../core/errors.ts';
import { hashPassword, maxPasswordLength } from '../../server/auth/password.ts';
import { issueApiToken } from '../../server/auth/tokens.ts';
import { userInfo } from 'node:os';
import type { WebUserStore } from '../../store/roles/web-users.ts';
import { openAuditedStore } from '../audited-store.ts';
import { defineCommand, type CommandIo } from '../command.ts';
import { storeOption } from '../store-option.ts';

export const minPasswordLength = 12;

/** Reads one line from a terminal without echoing it. */
function readHiddenLine(prompt: string, io: CommandIo): Promise<string> {
  const input = process.stdin;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003') return finish(new OpenNoticeError('INTERRUPTED', 'interrupted'));
        if (character === '\u007f' || character === '\b') line = line.slice(0, -1);
        else if (line.length <= maxPasswordLength) line += character;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

/** The first line of a piped stdin (at most 64 KiB is read). */
async function readPipedLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 65_536) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** The new user's password: OPENNOTICE_PASSWORD, else stdin (asked twice on a terminal) — never argv. */
async function newPassword(io: CommandIo): Promise<string> {
  let password = process.env.OPENNOTICE_PASSWORD;
  if (password === undefined) {
    if (process.stdin.isTTY) {
      password = await readHiddenLine('password: ', io);
      if ((await readHiddenLine('again: ', io)) !== password) throw new OpenNoticeError('USAGE', 'the two passwords differ');
    } else {
      password = await readPipedLine();
    }
  }
  if (password.length < minPasswordLength) throw new OpenNoticeError('USAGE', `the password must have at least ${minPasswordLength} characters`);
  if (password.length > maxPasswordLength) throw new OpenNoticeError('USAGE', `the password must have at most ${maxPasswordLength} characters`);
  return password;
}

async function userOrFail(store: WebUserStore, name: string | undefined) {
  if (!name) throw new OpenNoticeError('USAGE', 'name the user');
  const user = await store.findWebUser(name);
  if (!user) throw new OpenNoticeError('USAGE', `there is no user "${name}" (see: opennotice users list)`);
  return user;
}

export default defineCommand({
  name: 'users',
  summary: 'Web accounts: add operators and ISP users, list them, issue and revoke API tokens, unlock.',
  usage: 'add NAME --role operator|isp [--isp ID] | list [--json] | token NAME [--label L] | revoke-token ID | unlock NAME',
  details: `add: the password comes from OPENNOTICE_PASSWORD or stdin (asked twice, hidden, on a
  terminal) — never from the command line, where other users could read it. At least
  ${minPasswordLength} characters; stored as an scrypt hash. An ISP user needs --isp with an ISP id
  of the registry ('opennotice isps list') and sees only that ISP's data.
token: prints a new API token once (it is stored only as a hash); send it as
  "Authorization: Bearer TOKEN" to /api/v1/.
unlock: lifts a name's lock-out (5 failed logins for it from one address in 15 minutes stop
  that address for 15 minutes; 100 from all addresses lock the name, except from addresses the
  user logged in from in the last 30 days).
Example:  OPENNOTICE_PASSWORD='…' opennotice users add noc@sakura --role isp --isp sakura-net`,
  options: {
    role: { type: 'string', valueName: 'ROLE', description: 'add: operator or isp' },
    isp: { type: 'string', valueName: 'ID', description: 'add: the ISP of an isp user' },
    label: { type: 'string', valueName: 'TEXT', description: 'token: what the token is for', default: 'API token' },
    json: { type: 'boolean', description: 'list: JSON' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    const [subcommand, argument] = positionals;
    if (!['add', 'list', 'token', 'revoke-token', 'unlock'].includes(subcommand ?? '')) {
      throw new OpenNoticeError('USAGE', `unknown users subcommand "${subcommand ?? ''}" (add, list, token, revoke-token, unlock)`);
    }
    // Accounts created and tokens issued or revoked go into the audit trail, under the login name.
    const store = await openAuditedStore(String(values.db), process.env, { actor: userInfo().username });
    try {
      const now = new Date();
      switch (subcommand) {
        case 'add': {
          const role = values.role;
          if (!argument || argument.length > 200 || /[\u0000-\u001f\s]/.test(argument))
            throw new OpenNoticeError('USAGE', 'users add needs a NAME without spaces (up to 200 characters)');
          if (role !== 'operator' && role !== 'isp') throw new OpenNoticeError('USAGE', '--role must be operator or isp');
          const ispId = typeof values.isp === 'string' ? values.isp : undefined;
          if (role === 'isp' && !ispId) throw new OpenNoticeError('USAGE', 'an isp user needs --isp ID');
          if (role === 'operator' && ispId) throw new OpenNoticeError('USAGE', 'an operator belongs to no ISP: leave out --isp');
          if (ispId && !(await store.listIsps()).some((isp) => isp.id === ispId))
            throw new OpenNoticeError('USAGE', `there is no ISP "${ispId}" in the registry (see: opennotice isps list)`);
          if (await store.findWebUser(argument)) throw new OpenNoticeError('USAGE', `the user "${argument}" exists already`);
          const passwordHash = await hashPassword(await newPassword(io));
          await store.createWebUser({ name: argument, role, ...(ispId ? { ispId } : {}), passwordHash, createdAt: now.toISOString() });
          io.stdout.write(`added ${role} user ${argument}${ispId ? ` of ISP ${ispId}` : ''}\n`);
          return 0;
        }
        case 'list': {
          const users = await store.listWebUsers();
          const tokens = await store.listApiTokens();
          const rows = users.map((user) => ({
            name: user.name,
            role: user.role,
            ispId: user.ispId,
            createdAt: user.createdAt,
            tokens: tokens
              .filter((token) => token.userId === user.id)
              .map(({ id, label, createdAt, lastUsedAt, revokedAt }) => ({ id, label, createdAt, lastUsedAt, revokedAt })),
          }));
          if (values.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          else if (rows.length === 0) io.stdout.write("no users: add one with 'opennotice users add NAME --role operator'\n");
          else {
            for (const row of rows) {
              const live = row.tokens.filter((token) => !token.revokedAt);
              io.stdout.write(
                `${row.name.padEnd(28)} ${row.role.padEnd(8)} ${(row.ispId ?? '-').padEnd(20)} since ${row.createdAt.slice(0, 10)}  tokens: ${live.map((token) => `#${token.id} ${token.label}`).join(', ') || '-'}\n`,
              );
            }
          }
          return 0;
        }
        case 'token': {
          const user = await userOrFail(store, argument);
          const { id, token } = await issueApiToken(store, user.id, String(values.label), now);
          io.stderr.write(`token #${id} for ${user.name} (shown once; revoke with: opennotice users revoke-token ${id})\n`);
          io.stdout.write(`${token}\n`);
          return 0;
        }
        case 'revoke-token': {
          const id = Number(argument);
          if (!Number.isSafeInteger(id) || id < 1) throw new OpenNoticeError('USAGE', 'users revoke-token needs a token id (see: opennotice users list)');
          if (!(await store.revokeApiToken(id, now.toISOString()))) throw new OpenNoticeError('USAGE', `there is no live token #${id}`);
          io.stdout.write(`revoked token #${id}\n`);
          return 0;
        }
        default: {
          const user = await userOrFail(store, argument);
          await store.clearLoginFailures(user.name);
          io.stdout.write(`unlocked ${user.name}\n`);
          return 0;
        }
      }
    } finally {
      await store.close();
    }
  },
});
