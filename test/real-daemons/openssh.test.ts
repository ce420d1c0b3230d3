// The SSH checker against a real OpenSSH sshd (Debian's openssh-server) on 127.93.2.1,
// with the whole shipped dictionary in the order a survey gives an unidentified device and
// the survey's default caps: the weak pair sits in the later half and must still be found;
// MaxAuthTries 6 caps the tries per connection; no session is ever started. Root only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSshChecker } from '../../src/protocols/ssh/credentials.ts';
import { createAccounts, strongPassword, type TestAccounts } from '../support/real-daemons/accounts.ts';
import { packagedVersion, surveyService, observation, orderedFor, positionOf, runCheck } from '../support/real-daemons/check.ts';
import { startDaemon, type Daemon } from '../support/real-daemons/daemon.ts';

const address = { ip: '127.93.2.1', port: 2222 };
/** on-342 draytek/1234: a vendor default (DrayTek) from the later half of the SSH order. */
const weak = { id: 'on-342', username: 'draytek', password: '1234' };
/** netscreen: an account the dictionary has a pair for (on-348 netscreen/netscreen), with a strong password. */
const strong = { username: 'netscreen', password: strongPassword('ssh') };
const checker = createSshChecker();
const service = () => observation('ssh', address, { version: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10', protocolVersion: '2.0' });

let directory = '';
let accounts: TestAccounts | undefined;
let sshd: Daemon | undefined;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the OpenSSH test bed needs root: it creates login accounts and runs sshd');
  assert.ok(existsSync('/usr/sbin/sshd'), 'sshd is missing: npm test installs openssh-server');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-sshd-'));
  accounts = createAccounts(directory, [weak, strong]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(directory, 'host_ed25519')]);
  // sshd's privilege separation directory; a standard runtime directory, left in place.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = join(directory, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${address.ip}:${address.port}`,
      `HostKey ${join(directory, 'host_ed25519')}`,
      `PidFile ${join(directory, 'sshd.pid')}`,
      // Without PAM, as embedded builds run it: no PAM fail delay, so the whole list fits a test.
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      'MaxAuthTries 6',
      `AllowUsers ${weak.username} ${strong.username}`,
      'AuthorizedKeysFile none',
      'StrictModes no',
      'UseDNS no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  sshd = await startDaemon({ name: 'sshd', command: '/usr/sbin/sshd', args: ['-D', '-e', '-f', config], ...address, logFile: join(directory, 'sshd.log') });
});

after(async () => {
  await sshd?.stop();
  accounts?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('the whole dictionary, default caps: the later-half weak pair is found, several tries per connection, no session started', {
  timeout: 240_000,
}, async () => {
  const ordered = orderedFor('ssh');
  const { index, total } = positionOf(ordered, weak.id);
  assert.ok(index >= total / 2, `${weak.id} is entry ${index} of ${total}`);
  const { outcome, audit } = await runCheck(checker, service(), ordered);
  assert.equal(outcome.accepted?.id, weak.id, outcome.error);
  assert.ok(outcome.attempts > total / 4 && outcome.attempts <= 1000, `${outcome.attempts} attempts`);
  assert.equal(audit.filter((attempt) => attempt.outcome === 'accepted').length, 1);
  assert.equal(outcome.pace?.maxTriesPerConnection, 6, 'MaxAuthTries 6: five refusals, the sixth is answered by a disconnect and retried');
  assert.ok(outcome.attempts / (outcome.pace?.connections ?? 1) > 1.5, `${outcome.attempts} tries on ${outcome.pace?.connections} connections`);
  assert.match(String(outcome.evidence.serverVersion), /^SSH-2\.0-OpenSSH_/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const log = sshd!.output();
  assert.match(log, new RegExp(`Accepted password for ${weak.username}`));
  assert.doesNotMatch(log, /Starting session|session opened|channel \d/i, 'no channel, no session after the login');
  assert.equal(accounts!.shellStarted(weak.username), false);
});

test('a strong password survives the whole dictionary: every try refused, the check concludes', { timeout: 240_000 }, async () => {
  // Everything but the weak account's own pair: the strong account must withstand the rest.
  const ordered = orderedFor('ssh').filter((entry) => entry.username !== weak.username);
  const { outcome, audit } = await runCheck(checker, service(), ordered);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted, undefined);
  assert.ok(audit.every((attempt) => attempt.outcome !== 'accepted'));
  // Every entry was tried: the retried ones twice.
  assert.equal(new Set(audit.map((attempt) => attempt.dictionaryEntryId)).size, ordered.length);
  assert.doesNotMatch(sshd!.output(), new RegExp(`Accepted password for ${strong.username}`));
});

test('surveyed as a survey of real addresses would: found as ssh by its greeting on port 2222, OpenSSH named with its release and CPE', async () => {
  const { observation: grabbed, detection, identity } = await surveyService(address);
  assert.deepEqual([detection.protocol?.name, detection.method, grabbed.status], ['ssh', 'banner', 'success']);
  const version = packagedVersion('openssh-server');
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version, component.cpe]),
    [['OpenSSH', version, `cpe:2.3:a:openbsd:openssh:${version}:*:*:*:*:*:*:*`]],
  );
});
