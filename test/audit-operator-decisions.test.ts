// Who gets access and what is published go into the audit trail: an account created, an API
// token issued and revoked (by an operator through `users`, and by its holder through the
// portal's store calls), a blocklist version published from the approved C&C endpoints — never
// a token itself. The chain verifies and the tables agree with it afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { auditedStore } from '../src/audit/audited-store.ts';
import type { AuditRecord } from '../src/audit/events.ts';
import { createAuditTrail } from '../src/audit/trail.ts';
import type { CommandIo } from '../src/cli/command.ts';
import { parseCommandArgs } from '../src/cli/command.ts';
import audit from '../src/cli/commands/audit.ts';
import blocklist from '../src/cli/commands/blocklist.ts';
import users from '../src/cli/commands/users.ts';
import { keyFingerprint, readSigningKey } from '../src/core/signing-keys.ts';
import { issueApiToken } from '../src/server/auth/tokens.ts';
import { openStore } from '../src/store/open-store.ts';

function captureIo(): { io: CommandIo; stdout: () => string } {
  const out: string[] = [];
  const sink = (into: string[]) =>
    ({
      write: (chunk: string) => {
        into.push(String(chunk));
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  return { io: { stdout: sink(out), stderr: sink([]), signal: new AbortController().signal }, stdout: () => out.join('') };
}

async function usersCommand(args: string[]): Promise<string> {
  const { io, stdout } = captureIo();
  const { values, positionals } = parseCommandArgs(users, args);
  assert.equal(await users.run(values, positionals, io), 0);
  return stdout();
}

const eventsOf = (records: readonly AuditRecord[]) => records.map(({ sequence: _sequence, recordedAt: _recordedAt, ...event }) => event);

test('accounts, API tokens and published blocklists are recorded with who acted; no token enters the trail', { timeout: 60_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-audit-decisions-'));
  const db = join(directory, 'store.sqlite');
  const savedPassword = process.env.OPENNOTICE_PASSWORD;
  const login = userInfo().username;
  try {
    process.env.OPENNOTICE_PASSWORD = 'a long enough password';
    await usersCommand(['add', 'alice', '--role', 'operator', '--db', db]);
    const operatorToken = (await usersCommand(['token', 'alice', '--label', 'ticketing', '--db', db])).trim();
    await usersCommand(['revoke-token', '1', '--db', db]);

    // The portal's calls: an ISP user's own token, issued and revoked on the server (no actor).
    const raw = await openStore(db);
    const server = auditedStore(raw, createAuditTrail({ store: raw }));
    let portalToken: string;
    try {
      const alice = (await server.findWebUser('alice'))!;
      portalToken = (await issueApiToken(server, alice.id, 'gateway', new Date('2026-12-07T00:00:00.000Z'))).token;
      assert.equal(await server.revokeApiToken(2, '2026-12-07T01:00:00.000Z', { userId: alice.id }), true);
      assert.equal(await server.revokeApiToken(2, '2026-12-07T02:00:00.000Z', { userId: alice.id }), false, 'a second revocation changes nothing');
      await server.saveCncCandidates(
        [
          {
            endpointKind: 'ip',
            endpoint: '198.51.100.10',
            port: 443,
            protocol: 6,
            botsContacting: 12,
            benignContacting: 0,
            fanIn: 12,
            firstSeen: '2026-11-02T00:00:00.000Z',
            lastSeen: '2026-11-02T06:00:00.000Z',
            feedsMatched: [],
            confidence: 0.9,
            evidence: 'contacted by 12 known bots.',
          },
        ],
        '2026-11-02T07:00:00.000Z',
      );
      await server.decideCncCandidate(1, { status: 'approved', at: '2026-11-02T08:00:00.000Z', by: 'analyst' });
    } finally {
      await server.close();
    }

    const key = join(directory, 'signing.key');
    const out = join(directory, 'lists');
    assert.equal(await blocklist.run({}, ['keygen', key], captureIo().io), 0);
    for (let time = 0; time < 2; time++)
      assert.equal(await blocklist.run({ 'from-store': true, db, out, format: 'csv', 'sign-key': key }, ['export'], captureIo().io), 0);

    const check = await openStore(db);
    let records: AuditRecord[];
    let texts: string[];
    try {
      const rows = await check.listAuditRecords({ afterSequence: 0, limit: 1000 });
      texts = rows.map((row) => row.record);
      records = rows.map((row) => JSON.parse(row.record) as AuditRecord);
    } finally {
      await check.close();
    }
    const manifest = JSON.parse(readFileSync(join(out, 'versions.json'), 'utf8')) as {
      versions: Array<{ createdAt: string; indicatorsSha256: string; files: Record<string, string> }>;
    };
    const [published] = manifest.versions;
    const events = eventsOf(records);
    const tokenAt = (events[1] as { at: string }).at;
    const revokedAt = (events[2] as { at: string }).at;
    assert.deepEqual(events, [
      { kind: 'web-user-created', userId: 1, name: 'alice', role: 'operator', createdAt: (events[0] as { createdAt: string }).createdAt, by: login },
      { kind: 'api-token-issued', tokenId: 1, userId: 1, userName: 'alice', label: 'ticketing', at: tokenAt, by: login },
      { kind: 'api-token-revoked', tokenId: 1, userId: 1, userName: 'alice', label: 'ticketing', at: revokedAt, by: login },
      { kind: 'api-token-issued', tokenId: 2, userId: 1, userName: 'alice', label: 'gateway', at: '2026-12-07T00:00:00.000Z', by: 'alice' },
      { kind: 'api-token-revoked', tokenId: 2, userId: 1, userName: 'alice', label: 'gateway', at: '2026-12-07T01:00:00.000Z', by: 'alice' },
      {
        kind: 'cnc-candidate-decided',
        candidateId: 1,
        decision: 'approved',
        decidedBy: 'analyst',
        decidedAt: '2026-11-02T08:00:00.000Z',
        endpoint: '198.51.100.10',
        port: 443,
      },
      {
        kind: 'blocklist-published',
        version: 1,
        directory: join(out, 'v000001'),
        publishedAt: published!.createdAt,
        indicatorCount: 1,
        indicatorsSha256: published!.indicatorsSha256,
        files: published!.files,
        signingKeyId: keyFingerprint(readSigningKey(key, 'private')),
        by: login,
      },
    ]);
    assert.equal(manifest.versions.length, 1, 'the second export changed nothing, and recorded nothing');
    assert.ok(operatorToken.startsWith('on_') && portalToken.startsWith('on_'));
    assert.ok(!texts.some((text) => text.includes(operatorToken) || text.includes(portalToken)), 'no token in the trail');
    assert.equal(await audit.run({ db }, ['verify'], captureIo().io), 0);
  } finally {
    if (savedPassword === undefined) delete process.env.OPENNOTICE_PASSWORD;
    else process.env.OPENNOTICE_PASSWORD = savedPassword;
    rmSync(directory, { recursive: true, force: true });
  }
});
