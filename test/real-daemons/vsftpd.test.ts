// The FTP checker against a real vsftpd (as routers with a USB port run it) on 127.93.4.1:
// vsftpd waits 1 s before "530" and PAM adds its own 2 s, and it hangs up after three
// failures (max_login_fails). The tries just before a later-half weak pair; every FTP
// command is logged, so the test sees that nothing follows the accepted PASS. Root only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ftpChecker } from '../../src/protocols/ftp/credentials.ts';
import { createAccounts, strongPassword, type TestAccounts } from '../support/real-daemons/accounts.ts';
import { packagedVersion, surveyService, observation, orderedFor, positionOf, runCheck, sliceEndingAt } from '../support/real-daemons/check.ts';
import { startDaemon, type Daemon } from '../support/real-daemons/daemon.ts';

const address = { ip: '127.93.4.1', port: 2121 };
/** on-353 cablecom/router: a vendor default (Motorola cable modems) from the later half of the FTP order. */
const weak = { id: 'on-353', username: 'cablecom', password: 'router' };
/** dadmin: an account the dictionary has a pair for (on-328 dadmin/dadmin), with a strong password. */
const strong = { username: 'dadmin', password: strongPassword('ftp') };
const service = () => observation('ftp', address, { banner: '(vsFTPd 3.0.3)', code: 220 });

let directory = '';
let accounts: TestAccounts | undefined;
let vsftpd: Daemon | undefined;
const logFile = () => join(directory, 'vsftpd.log');

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the vsftpd test bed needs root: it creates login accounts and runs vsftpd');
  assert.ok(existsSync('/usr/sbin/vsftpd'), 'vsftpd is missing: npm test installs it');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-vsftpd-'));
  accounts = createAccounts(directory, [weak, strong]);
  mkdirSync(join(directory, 'empty'), { mode: 0o755 });
  const config = join(directory, 'vsftpd.conf');
  writeFileSync(
    config,
    [
      'listen=YES',
      'listen_ipv6=NO',
      `listen_address=${address.ip}`,
      `listen_port=${address.port}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'write_enable=NO',
      'pam_service_name=vsftpd',
      `secure_chroot_dir=${join(directory, 'empty')}`,
      'seccomp_sandbox=NO',
      // The defaults, said out loud: three failures per connection, a second before each "530".
      'max_login_fails=3',
      'delay_failed_login=1',
      'xferlog_enable=YES',
      'xferlog_std_format=NO',
      'log_ftp_protocol=YES',
      `vsftpd_log_file=${logFile()}`,
      '',
    ].join('\n'),
  );
  writeFileSync(logFile(), '');
  vsftpd = await startDaemon({ name: 'vsftpd', command: '/usr/sbin/vsftpd', args: [config], ...address, logFile: join(directory, 'vsftpd.out') });
});

after(async () => {
  await vsftpd?.stop();
  accounts?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('a weak pair from the later half is found through vsftpd’s and PAM’s delays, three tries per connection, nothing after the login', {
  timeout: 120_000,
}, async () => {
  const ordered = orderedFor('ftp');
  const { index, total } = positionOf(ordered, weak.id);
  assert.ok(index >= total / 2, `${weak.id} is entry ${index} of ${total}`);
  const entries = sliceEndingAt(ordered, weak.id, 5);
  const { outcome, audit, durationMs } = await runCheck(ftpChecker, service(), entries);
  assert.equal(outcome.accepted?.id, weak.id, outcome.error);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    [...Array(5).fill('rejected'), 'accepted'],
    JSON.stringify(audit.map((attempt) => attempt.detail)),
  );
  assert.ok(durationMs > 5 * 2500, `five refusals took ${Math.round(durationMs)} ms: vsftpd's second and PAM's delay were waited out`);
  assert.equal(outcome.pace?.maxTriesPerConnection, 3, 'vsftpd hangs up after three failures');
  assert.equal(outcome.pace?.connections, 2);
  assert.equal(outcome.pace?.retries, 0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  // vsftpd logs every command of the session; after "230" the user's session logs none.
  const lines = readLog();
  const accepted = lines.findIndex((line) => line.includes(`[${weak.username}] FTP response`) && line.includes('"230 '));
  assert.ok(accepted >= 0, lines.join('\n'));
  assert.deepEqual(
    lines.slice(accepted + 1).filter((line) => line.includes(`[${weak.username}] FTP command`)),
    [],
    'no command (not even QUIT) after the accepted PASS',
  );
});

test('a strong password is not found: every try refused, the check concludes', { timeout: 120_000 }, async () => {
  const entries = sliceEndingAt(orderedFor('ftp'), 'on-328', 2);
  const { outcome, audit } = await runCheck(ftpChecker, service(), entries);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted, undefined);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    Array(3).fill('rejected'),
  );
});

function readLog(): string[] {
  return existsSync(logFile()) ? readFileSync(logFile(), 'utf8').split('\n') : [];
}

test('surveyed as a survey of real addresses would: found as ftp by its greeting on port 2121, vsftpd named with its release and CPE', async () => {
  const { observation: grabbed, detection, identity } = await surveyService(address);
  assert.deepEqual([detection.protocol?.name, detection.method, grabbed.status], ['ftp', 'banner', 'success']);
  const version = packagedVersion('vsftpd');
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version, component.cpe]),
    [['vsftpd', version, `cpe:2.3:a:vsftpd_project:vsftpd:${version}:*:*:*:*:*:*:*`]],
  );
});
