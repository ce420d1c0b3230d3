// The DNS grabber against a real server: Debian's dnsmasq (npm test installs dnsmasq-base as
// root), started here on 127.102.3.1:53 with no upstream at all (--no-resolv, no servers), no
// hosts file, and one local name, check.example → 192.0.2.1. It answers that name recursively
// and refuses every other; it can never forward a question anywhere. tcpdump on `lo` is the
// witness of the bytes the grab says it sent and received.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUdpCapture, wireTotals, withinShare } from '../../../test/support/udp-capture-b.ts';
import { createSourcedContext, startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon-b.ts';
import { grabDns } from './grabber.ts';
import dns from './index.ts';

const dnsmasq = '/usr/sbin/dnsmasq';
const missing = 'dnsmasq is missing: npm test installs it as root (apt-get install dnsmasq-base)';
const server = { ip: '127.102.3.1', port: 53 };
const base = createSourcedContext('127.102.0.100', { ioTimeoutMs: 1500, deadlineMs: 5000 });
const checked = { ...base, resolverCheckName: 'check.example' };

let directory = '';
let daemon: UdpDaemon | undefined;

before(async () => {
  if (!existsSync(dnsmasq)) return;
  directory = mkdtempSync(join(tmpdir(), 'on-udpb-dnsmasq-'));
  const quick = { ...createSourcedContext('127.102.0.100', { ioTimeoutMs: 300, deadlineMs: 2000 }), resolverCheckName: 'check.example' };
  daemon = await startUdpDaemon({
    name: 'dnsmasq',
    command: dnsmasq,
    args: [
      '-k', // foreground
      '--log-facility=-',
      '--log-queries', // its log is the witness of every question we asked
      '--conf-file=/dev/null',
      '--no-resolv', // no upstream from resolv.conf …
      '--no-poll',
      '--no-hosts',
      '--address=/check.example/192.0.2.1', // … and the only name it knows is local
      `--port=${server.port}`,
      `--listen-address=${server.ip}`,
      '--bind-interfaces',
      '--user=root',
      '--pid-file=',
    ],
    logFile: join(directory, 'dnsmasq.log'),
    ready: async () => (await grabDns(quick, server)).status === 'success',
  });
});

after(async () => {
  await daemon?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('dnsmasq resolves the check name with RA: an open resolver, its version, and the wire agrees with the measure', async () => {
  assert.ok(existsSync(dnsmasq), missing);
  const capture = await startUdpCapture(server.ip, server.port);
  const outcome = await grabDns(checked, server);
  const seen = await capture.stop();
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(
    { ...outcome.result, reflection: undefined },
    {
      recursionAvailable: true,
      openResolver: true,
      rcode: 'NOERROR',
      version: 'dnsmasq-2.90',
      reflection: undefined,
    },
  );
  const measure = dns.reflection?.(outcome.result);
  assert.ok(measure);
  assert.equal(measure.request, 'A check.example');
  assert.equal(measure.replyPackets, 1);
  const wire = wireTotals(seen, server.ip, server.port);
  assert.deepEqual([wire.requests, wire.replies], [2, 2], 'the A question and version.bind, each answered once');
  // The measure is the A question's alone: the wire's first request and reply.
  const request = seen.find((datagram) => datagram.destinationPort === server.port);
  const reply = seen.find((datagram) => datagram.sourcePort === server.port);
  assert.ok(request && reply);
  assert.ok(withinShare(measure.requestBytes, request.payloadBytes), `request ${measure.requestBytes} vs ${request.payloadBytes}`);
  assert.ok(withinShare(measure.replyBytes, reply.payloadBytes), `reply ${measure.replyBytes} vs ${reply.payloadBytes}`);
});

test('a name dnsmasq does not hold is refused: not an open resolver, no reflection', async () => {
  assert.ok(existsSync(dnsmasq), missing);
  const outcome = await grabDns({ ...base, resolverCheckName: 'elsewhere.example' }, server);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.openResolver, false);
  assert.equal(outcome.result.rcode, 'REFUSED');
  assert.equal(outcome.result.reflection, undefined, 'a refusal is not measured');
  assert.equal(dns.reflection?.(outcome.result), undefined);
});

test('without a check name only version.bind is asked: no recursive question', async () => {
  assert.ok(existsSync(dnsmasq), missing);
  const logged = daemon?.output().length ?? 0;
  const capture = await startUdpCapture(server.ip, server.port);
  const outcome = await grabDns(base, server);
  const wire = wireTotals(await capture.stop(), server.ip, server.port);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.version, 'dnsmasq-2.90');
  assert.equal(outcome.result.openResolver, false);
  assert.equal(outcome.result.reflection, undefined);
  assert.equal(wire.requests, 1);
  const questions = (daemon?.output() ?? '').slice(logged);
  assert.match(questions, /query\[TXT\] version\.bind/, 'dnsmasq logged the one question');
  assert.doesNotMatch(questions, /query\[A\]/, 'and no recursive one');
});
