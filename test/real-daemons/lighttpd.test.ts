// The HTTP checker against a real lighttpd with mod_auth (Basic and Digest), as many
// cameras and NAS boxes run it. lighttpd answers a refused try after a second and closes
// the connection (keep-alive lasts only until a refusal): on 127.93.5.1 as shipped, the
// tries just before a later-half weak pair; on 127.93.5.2 with that delay turned off
// (server.feature-flags), the whole shipped dictionary in survey order under the default
// caps. The access log shows every request, so the test sees that nothing is requested
// after the accepted one. Root only (lighttpd drops to www-data).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpAuthChecker } from '../../src/protocols/http/credentials.ts';
import { strongPassword } from '../support/real-daemons/accounts.ts';
import { packagedVersion, surveyService, observation, orderedFor, positionOf, runCheck, sliceEndingAt } from '../support/real-daemons/check.ts';
import { startDaemon, type Daemon } from '../support/real-daemons/daemon.ts';

/** As shipped: a second's delay before each refusal. */
const shipped = { ip: '127.93.5.1', port: 8080 };
/** The delay turned off, so the whole dictionary fits a test. */
const undelayed = { ip: '127.93.5.2', port: 8080 };
const realm = 'IP Camera';
/** on-436 admin/1q2w3e4r behind Basic, on-467 support/support123 behind Digest: both from the later half of the HTTP order. */
const basicWeak = { id: 'on-436', username: 'admin', password: '1q2w3e4r', path: '/basic/' };
const digestWeak = { id: 'on-467', username: 'support', password: 'support123', path: '/digest/' };
/** ubnt, a user name the dictionary tries often, with a strong password behind both schemes. */
const strong = { username: 'ubnt', password: strongPassword('http') };

let directory = '';
const daemons: Daemon[] = [];
/** The logins the tests made: the access log must show exactly these requests. */
const logins: Array<{ target: { ip: string }; path: string; username: string; requests: number }> = [];
const accessLog = (target: { ip: string }) => join(directory, 'logs', `access-${target.ip}.log`);
const service = (target: { ip: string; port: number }, scheme: 'basic' | 'digest', path: string) =>
  observation('http', target, { status: 401, auth: { scheme, realm }, authPath: path });

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the lighttpd test bed needs root (lighttpd drops to www-data)');
  assert.ok(existsSync('/usr/sbin/lighttpd'), 'lighttpd is missing: npm test installs it');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-lighttpd-'));
  chmodSync(directory, 0o755);
  for (const path of ['basic', 'digest', 'strong-basic', 'strong-digest']) {
    mkdirSync(join(directory, 'www', path), { recursive: true });
    writeFileSync(join(directory, 'www', path, 'index.html'), `<html><title>${path}</title></html>\n`);
  }
  // lighttpd opens its logs as www-data.
  mkdirSync(join(directory, 'logs'));
  chmodSync(join(directory, 'logs'), 0o777);
  // The plain backend serves Basic and every Digest algorithm from one file.
  const users = [basicWeak, digestWeak, strong].map((user) => `${user.username}:${user.password}\n`);
  writeFileSync(join(directory, 'users'), users.join(''), { mode: 0o644 });
  for (const [target, extra] of [
    [shipped, []],
    [undelayed, ['server.feature-flags = ( "auth.delay-invalid-creds" => "disable" )']],
  ] as const) {
    const config = join(directory, `lighttpd-${target.ip}.conf`);
    writeFileSync(config, lighttpdConfig(target, extra));
    daemons.push(
      await startDaemon({ name: `lighttpd ${target.ip}`, command: '/usr/sbin/lighttpd', args: ['-D', '-f', config], ...target, logFile: `${config}.out` }),
    );
  }
});

function lighttpdConfig(target: { ip: string; port: number }, extra: readonly string[]): string {
  const require = (method: string, user: string, algorithm = 'MD5') =>
    `( "method" => "${method}", "realm" => "${realm}", "require" => "user=${user}"${method === 'digest' ? `, "algorithm" => "${algorithm}"` : ''} )`;
  return [
    `server.document-root = "${join(directory, 'www')}"`,
    `server.bind = "${target.ip}"`,
    `server.port = ${target.port}`,
    'server.username = "www-data"',
    'server.groupname = "www-data"',
    `server.errorlog = "${join(directory, 'logs', `error-${target.ip}.log`)}"`,
    'server.modules = ( "mod_auth", "mod_authn_file", "mod_accesslog" )',
    'index-file.names = ( "index.html" )',
    `accesslog.filename = "${accessLog(target)}"`,
    'accesslog.format = "%u \\"%r\\" %s"',
    'auth.backend = "plain"',
    `auth.backend.plain.userfile = "${join(directory, 'users')}"`,
    'auth.require = (',
    `  "/basic/" => ${require('basic', basicWeak.username)},`,
    `  "/digest/" => ${require('digest', digestWeak.username)},`,
    `  "/strong-basic/" => ${require('basic', strong.username)},`,
    `  "/strong-digest/" => ${require('digest', strong.username, 'SHA-256')},`,
    ')',
    ...extra,
    '',
  ].join('\n');
}

after(async () => {
  for (const daemon of daemons) await daemon.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Access-log lines for one path: user (or -), request line, status. */
function requestsTo(target: { ip: string }, path: string): Array<{ user: string; status: number }> {
  const file = accessLog(target);
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  return lines
    .map((line) => /^(\S+) "GET (\S+) HTTP\/1\.1" (\d{3})$/.exec(line))
    .filter((match) => match !== null && match[2] === path)
    .map((match) => ({ user: match![1]!, status: Number(match![3]) }));
}

for (const [scheme, weak] of [
  ['basic', basicWeak],
  ['digest', digestWeak],
] as const) {
  test(`${scheme}, as shipped: a second before each refusal, a new connection after it; the weak pair found, nothing requested after it`, {
    timeout: 60_000,
  }, async () => {
    const entries = sliceEndingAt(orderedFor('http'), weak.id, 3);
    const { outcome, audit, durationMs } = await runCheck(httpAuthChecker, service(shipped, scheme, weak.path), entries);
    assert.equal(outcome.accepted?.id, weak.id, outcome.error);
    assert.deepEqual(
      audit.map((attempt) => attempt.outcome),
      ['rejected', 'rejected', 'rejected', 'accepted'],
    );
    assert.ok(durationMs > 3 * 900, `three refusals took ${Math.round(durationMs)} ms`);
    // lighttpd closes after each refusal: one connection per refused try (Digest's first, unauthenticated request shares the first).
    assert.equal(outcome.pace?.connections, 4);
    logins.push({ target: shipped, path: weak.path, username: weak.username, requests: outcome.attempts + (scheme === 'digest' ? 1 : 0) });
  });

  test(`${scheme}, the whole dictionary with default caps: the later-half weak pair is found, every pair before it tried, nothing requested after it`, {
    timeout: 120_000,
  }, async () => {
    const ordered = orderedFor('http');
    const { index, total } = positionOf(ordered, weak.id);
    assert.ok(index >= total / 2, `${weak.id} is entry ${index} of ${total}`);
    const { outcome, audit } = await runCheck(httpAuthChecker, service(undelayed, scheme, weak.path), ordered);
    assert.equal(outcome.accepted?.id, weak.id, outcome.error);
    assert.equal(outcome.attempts, index + 1, 'every pair before it was tried, none skipped');
    assert.ok(audit.slice(0, -1).every((attempt) => attempt.outcome === 'rejected'));
    assert.equal(outcome.pace?.retries, 0);
    // Digest asks once without credentials for a nonce; Basic does not.
    logins.push({ target: undelayed, path: weak.path, username: weak.username, requests: outcome.attempts + (scheme === 'digest' ? 1 : 0) });
  });
}

for (const scheme of ['basic', 'digest'] as const) {
  test(`${scheme}: a strong password survives the whole dictionary, the check concludes`, { timeout: 120_000 }, async () => {
    const ordered = orderedFor('http');
    const { outcome } = await runCheck(httpAuthChecker, service(undelayed, scheme, `/strong-${scheme}/`), ordered);
    assert.equal(outcome.status, 'success', outcome.error);
    assert.equal(outcome.accepted, undefined);
    assert.equal(outcome.attempts, ordered.length);
  });
}

test('surveyed as a survey of real addresses would: found as http by its probe, lighttpd named with its release and CPE', async () => {
  const { observation: grabbed, detection, identity } = await surveyService(shipped);
  assert.deepEqual([detection.protocol?.name, detection.method, grabbed.status], ['http', 'probe', 'success']);
  const version = packagedVersion('lighttpd');
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version, component.cpe]),
    [['lighttpd', version, `cpe:2.3:a:lighttpd:lighttpd:${version}:*:*:*:*:*:*:*`]],
  );
});

test('the access logs, flushed as lighttpd stops, show one request per try and nothing after each accepted one', { timeout: 30_000 }, async () => {
  assert.equal(logins.length, 4, 'the four logins above ran');
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const login of logins) {
    const requests = requestsTo(login.target, login.path);
    assert.equal(requests.length, login.requests, `${login.target.ip}${login.path}: one request per try`);
    assert.deepEqual(requests.at(-1), { user: login.username, status: 200 }, `${login.target.ip}${login.path}: the accepted request is the last`);
  }
  assert.ok(requestsTo(undelayed, '/strong-basic/').every((request) => request.status === 401));
});
