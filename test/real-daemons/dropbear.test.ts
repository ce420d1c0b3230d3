// The SSH checker against Debian's dropbear on 127.93.3.1, as routers and cameras run it:
// a fail delay of about 300 ms before each refusal, up to ten tries on one connection,
// blank passwords allowed. The tries just before a later-half weak pair (the whole list
// would take three minutes at 300 ms a refusal). Root only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSshChecker } from '../../src/protocols/ssh/credentials.ts';
import { createAccounts, strongPassword, type TestAccounts } from '../support/real-daemons/accounts.ts';
import { packagedVersion, surveyService, observation, orderedFor, positionOf, runCheck, sliceEndingAt } from '../support/real-daemons/check.ts';
import { startDaemon, type Daemon } from '../support/real-daemons/daemon.ts';

const address = { ip: '127.93.3.1', port: 2222 };
/** on-329 bewan/bewan: a vendor default (Bewan) from the later half of the SSH order. */
const weak = { id: 'on-329', username: 'bewan', password: 'bewan' };
/** secoff: an account the dictionary has a pair for (on-314 secoff/secoff), with a strong password. */
const strong = { username: 'secoff', password: strongPassword('dropbear') };
const checker = createSshChecker();
const service = () => observation('ssh', address, { version: 'SSH-2.0-dropbear_2022.83', protocolVersion: '2.0' });

let directory = '';
let accounts: TestAccounts | undefined;
let dropbear: Daemon | undefined;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the dropbear test bed needs root: it creates login accounts');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-dropbear-bed-'));
  accounts = createAccounts(directory, [weak, strong]);
  execFileSync('dropbearkey', ['-t', 'ed25519', '-f', join(directory, 'host_ed25519')], { stdio: 'ignore' });
  dropbear = await startDaemon({
    name: 'dropbear',
    command: 'dropbear',
    args: ['-F', '-E', '-w', '-p', `${address.ip}:${address.port}`, '-r', join(directory, 'host_ed25519'), '-P', join(directory, 'dropbear.pid')],
    ...address,
    logFile: join(directory, 'dropbear.log'),
  });
});

after(async () => {
  await dropbear?.stop();
  accounts?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('a weak pair from the later half is found through dropbear’s fail delay, several tries per connection, no session started', {
  timeout: 120_000,
}, async () => {
  const ordered = orderedFor('ssh');
  const { index, total } = positionOf(ordered, weak.id);
  assert.ok(index >= total / 2, `${weak.id} is entry ${index} of ${total}`);
  const entries = sliceEndingAt(ordered, weak.id, 12);
  const { outcome, audit } = await runCheck(checker, service(), entries);
  assert.equal(outcome.accepted?.id, weak.id, outcome.error);
  assert.equal(audit.filter((attempt) => attempt.outcome === 'rejected').length, 12);
  assert.ok((outcome.pace?.maxTriesPerConnection ?? 0) >= 2, JSON.stringify(outcome.pace));
  assert.ok((outcome.pace?.connections ?? 0) < outcome.attempts, JSON.stringify(outcome.pace));
  assert.equal(outcome.pace?.retries, 0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.match(dropbear!.output(), new RegExp(`auth succeeded for '${weak.username}'`));
  assert.equal(accounts!.shellStarted(weak.username), false, 'no channel, no shell');
});

test('a strong password is not found: every try refused, the check concludes', { timeout: 120_000 }, async () => {
  const entries = sliceEndingAt(orderedFor('ssh'), 'on-314', 8);
  const { outcome, audit } = await runCheck(checker, service(), entries);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted, undefined);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    Array(9).fill('rejected'),
  );
});

test('surveyed as a survey of real addresses would: found as ssh by its greeting on port 2222, dropbear named with its release and CPE', async () => {
  const { observation: grabbed, detection, identity } = await surveyService(address);
  assert.deepEqual([detection.protocol?.name, detection.method, grabbed.status], ['ssh', 'banner', 'success']);
  const version = packagedVersion('dropbear-bin');
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version, component.cpe]),
    [['dropbear', version, `cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:${version}:*:*:*:*:*:*:*`]],
  );
});
