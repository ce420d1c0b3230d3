// The telnet checker against BusyBox telnetd in front of the real /bin/login and PAM
// (Debian's login: pam_faildelay 3 s, LOGIN_RETRIES 5), as on a device whose vendor
// kept a real login: late refusals must read as refusals, five tries share a connection,
// and nothing may be typed after a login. Root only (useradd); npm test installs
// busybox-static (Debian's dynamic busybox has no telnetd).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTelnetChecker } from '../../src/protocols/telnet/credentials.ts';
import { createTelnetSession } from '../../src/protocols/telnet/session.ts';
import { createAccounts, strongPassword, type TestAccounts } from '../support/real-daemons/accounts.ts';
import { packagedVersion, surveyService, observation, orderedFor, positionOf, runCheck, sliceEndingAt, surveyContext } from '../support/real-daemons/check.ts';
import { startDaemon, type Daemon } from '../support/real-daemons/daemon.ts';
import { waitFor } from '../support/real-daemons/wait.ts';
import { startRecordingProxy, type RecordingProxy } from '../support/real-daemons/recording-proxy.ts';
import { IAC } from '../../src/protocols/telnet/codec.ts';

const address = { ip: '127.93.1.1', port: 2323 };
/** on-357 netopia/netopia: a vendor default (Netopia) from the later half of the telnet order. */
const weak = { id: 'on-357', username: 'netopia', password: 'netopia' };
/** corecess: an account the dictionary has a pair for (on-339 corecess/corecess), with a strong password. */
const strong = { username: 'corecess', password: strongPassword('telnet') };
const checker = createTelnetChecker();
const service = () => observation('telnet', address, { promptKind: 'login', prompt: 'login:' });

/**
 * A second telnetd whose "login" is BusyBox's own shell, as on devices shipped with an open
 * debug shell: run as nobody, reached through a relay that records every byte.
 */
const openShell = { ip: '127.93.1.2', port: 2323 };
const openShellRelay = { ip: '127.93.1.3', port: 2323 };

let directory = '';
let accounts: TestAccounts | undefined;
let telnetd: Daemon | undefined;
let openShellTelnetd: Daemon | undefined;
let relay: RecordingProxy | undefined;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the telnet test bed needs root: it creates login accounts and runs telnetd');
  const applets = spawnSync('busybox', ['--list'], { encoding: 'utf8' });
  assert.ok(applets.stdout?.split('\n').includes('telnetd'), 'busybox has no telnetd: npm test installs busybox-static');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-telnetd-'));
  accounts = createAccounts(directory, [weak, strong]);
  telnetd = await startDaemon({
    name: 'busybox telnetd',
    command: 'busybox',
    args: ['telnetd', '-F', '-b', `${address.ip}:${address.port}`, '-l', '/bin/login'],
    ...address,
    logFile: join(directory, 'telnetd.log'),
  });
  const shell = join(directory, 'open-shell.sh');
  writeFileSync(shell, '#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env busybox ash -l\n');
  chmodSync(shell, 0o755);
  chmodSync(directory, 0o755);
  openShellTelnetd = await startDaemon({
    name: 'busybox telnetd (open shell)',
    command: 'busybox',
    args: ['telnetd', '-F', '-b', `${openShell.ip}:${openShell.port}`, '-l', shell],
    ...openShell,
    logFile: join(directory, 'telnetd-open.log'),
  });
  relay = await startRecordingProxy(openShellRelay, openShell);
});

after(async () => {
  await relay?.close();
  await openShellTelnetd?.stop();
  await telnetd?.stop();
  accounts?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('a weak pair from the later half is found: refusals after 3-4 s read as refusals, five tries per connection, nothing typed after the login', {
  timeout: 120_000,
}, async () => {
  const ordered = orderedFor('telnet');
  const { index, total } = positionOf(ordered, weak.id);
  assert.ok(index >= total / 2, `${weak.id} is entry ${index} of ${total}`);
  const entries = sliceEndingAt(ordered, weak.id, 6);
  const { outcome, audit, durationMs } = await runCheck(checker, service(), entries);
  assert.equal(outcome.accepted?.id, weak.id, outcome.error);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    [...Array(6).fill('rejected'), 'accepted'],
    JSON.stringify(audit.map((attempt) => attempt.detail)),
  );
  assert.ok(durationMs > 6 * 2500, `six refusals took ${Math.round(durationMs)} ms: PAM's delay was waited out`);
  assert.equal(outcome.pace?.maxTriesPerConnection, 5, 'login(1) allows five tries on one connection');
  assert.equal(outcome.pace?.connections, 2);
  assert.equal(outcome.pace?.retries, 0, 'no try went unanswered');
  assert.ok(outcome.attempts <= 1000);
  // The session got as far as the shell, and the shell received nothing.
  await waitFor(() => accounts!.shellStarted(weak.username), 5000, 'the login reached the shell');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(accounts!.received(weak.username).length, 0, 'not one byte after the login');
});

test('a strong password is not found: every try refused, the check concludes', { timeout: 120_000 }, async () => {
  const entries = sliceEndingAt(orderedFor('telnet'), 'on-339', 4);
  assert.ok(entries.some((entry) => entry.username === strong.username));
  const { outcome, audit } = await runCheck(checker, service(), entries);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted, undefined);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    Array(5).fill('rejected'),
  );
  assert.equal(accounts!.shellStarted(strong.username), false);
});

test('the recorder is a real witness: what a client types after a login lands in it', { timeout: 60_000 }, async () => {
  const session = createTelnetSession(await surveyContext.dial(address, { ioTimeoutMs: 8000 }));
  try {
    assert.equal((await session.waitForPrompt()).kind, 'login');
    await session.sendLine(strong.username);
    assert.equal((await session.waitForPrompt()).kind, 'password');
    await session.sendLine(strong.password);
    assert.equal((await session.waitForPrompt({ quietMs: 8000 })).kind, 'shell');
    await session.sendLine('typed after the login');
    await waitFor(() => accounts!.received(strong.username).includes('typed after the login'), 5000, 'the typed line was recorded');
  } finally {
    session.close();
  }
});

test('an open BusyBox shell: found as telnet by its greeting, BusyBox named with its release and CPE, reported as no-authentication with nothing typed', {
  timeout: 60_000,
}, async () => {
  const { observation: grabbed, detection, identity } = await surveyService(openShellRelay);
  assert.deepEqual([detection.protocol?.name, detection.method, grabbed.status], ['telnet', 'banner', 'success']);
  assert.equal(grabbed.result.promptKind, 'shell');
  const version = packagedVersion('busybox-static');
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version, component.cpe]),
    [['BusyBox', version, `cpe:2.3:a:busybox:busybox:${version}:*:*:*:*:*:*:*`]],
  );
  const { outcome, audit } = await runCheck(checker, grabbed, orderedFor('telnet'));
  assert.equal(outcome.noAuthentication, true, outcome.error);
  assert.equal(audit.length, 0, 'no pair is tried on a shell that asks for none');
  // Every connection the survey made: after the shell's prompt the client sent no text at all
  // (telnet option answers, IAC sequences, are all it may still send).
  assert.ok(relay!.connections.length >= 2, 'the grab and the check both connected');
  await Promise.all(relay!.connections.map((connection) => connection.closed));
  let promptsSeen = 0;
  for (const connection of relay!.connections) {
    // Detection's connection ends at the greeting, before the prompt: then nothing it sent may be text either.
    // ash's line editor asks where the cursor is (ESC [6n) after the prompt; a terminal would answer, a survey must not.
    const promptAt = connection.chunks.findIndex((chunk) => chunk.from === 'server' && /\$ (?:\x1b\[6n)?$/.test(chunk.bytes.toString('latin1')));
    if (promptAt >= 0) promptsSeen++;
    const typed = Buffer.concat(
      connection.chunks
        .slice(promptAt + 1)
        .filter((chunk) => chunk.from === 'client')
        .map((chunk) => chunk.bytes),
    );
    const text = Buffer.from(typed.filter((byte, index) => byte !== IAC && typed[index - 1] !== IAC && typed[index - 2] !== IAC));
    assert.equal(text.length, 0, `typed after the prompt: ${JSON.stringify(text.toString('latin1'))}`);
  }
  assert.ok(promptsSeen >= 2, `the grab and the check both reached the shell prompt (${promptsSeen})`);
});
