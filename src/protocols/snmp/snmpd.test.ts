// The SNMP grabber and checker against a real agent: Debian's snmpd (Net-SNMP; npm test installs
// it as root), started here on 127.102.1.1 with a configuration of our own (no default files,
// a read community for 127.102.0.0/16 only) and a second one on 127.102.1.2 whose only community
// is not `public`. tcpdump on `lo` is the witness of the bytes the grab says it sent and received.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDictionary } from '../../assess/credentials/dictionary.ts';
import { orderEntries } from '../../assess/credentials/order.ts';
import type { ServiceObservation } from '../../core/records.ts';
import { startUdpCapture, wireTotals, withinShare } from '../../../test/support/udp-capture-b.ts';
import { createSourcedContext, startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon-b.ts';
import type { ObservedService } from '../credential-checker.ts';
import { grabSnmp, type SnmpResult } from './grabber.ts';
import snmp from './index.ts';

const snmpd = '/usr/sbin/snmpd';
const missing = 'snmpd is missing: npm test installs it as root (apt-get install snmpd)';
const open = { ip: '127.102.1.1', port: 161 };
const closed = { ip: '127.102.1.2', port: 161 };
// Our requests leave from an address the agents' access list admits.
const ctx = createSourcedContext('127.102.0.100', { ioTimeoutMs: 1500, deadlineMs: 5000 });
const quick = createSourcedContext('127.102.0.100', { ioTimeoutMs: 300, deadlineMs: 2000 });

let directory = '';
const daemons: UdpDaemon[] = [];

async function startAgent(name: string, target: { ip: string; port: number }, lines: string[], ready: () => Promise<boolean>): Promise<void> {
  const config = join(directory, `${name}.conf`);
  writeFileSync(config, [`agentAddress udp:${target.ip}:${target.port}`, ...lines, ''].join('\n'));
  const state = join(directory, name);
  daemons.push(
    await startUdpDaemon({
      name,
      command: snmpd,
      // -f foreground, -Lo log to stdout, -C no default configuration files, -r no root-only files.
      args: ['-f', '-Lo', '-C', '-r', '-c', config],
      // Persistent state in our temp directory; no MIB files read (numeric OIDs only).
      env: { ...process.env, SNMP_PERSISTENT_DIR: state, MIBS: '', MIBDIRS: '' },
      logFile: join(directory, `${name}.log`),
      ready,
    }),
  );
}

before(async () => {
  if (!existsSync(snmpd)) return;
  directory = mkdtempSync(join(tmpdir(), 'on-udpb-snmpd-'));
  await startAgent(
    'open-agent',
    open,
    ['rocommunity public 127.102.0.0/16', 'sysDescr opennotice test agent 5.9', 'sysName on-udpb-garage', 'sysLocation loopback', 'sysContact nobody'],
    async () => (await grabSnmp(quick, open)).status === 'success',
  );
  // An agent whose only community is a strong one: it drops our `public` requests without a word.
  // Ready once its log says it runs (it never answers us): snmpd prints its version after binding.
  const log = join(directory, 'private-agent.log');
  await startAgent('private-agent', closed, ['rocommunity Xq7-private-Lm2 127.102.0.0/16'], async () =>
    existsSync(log) ? readFileSync(log, 'utf8').includes('NET-SNMP version') : false,
  );
});

after(async () => {
  for (const daemon of daemons) await daemon.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('snmpd answers the v2c GetRequest: sysDescr, sysObjectID, sysUpTime, sysName; the wire agrees with the measure', async () => {
  assert.ok(existsSync(snmpd), missing);
  const capture = await startUdpCapture(open.ip, open.port);
  const outcome = await grabSnmp(ctx, open);
  const seen = await capture.stop();
  assert.equal(outcome.status, 'success', outcome.error);
  const { result } = outcome;
  assert.equal(result.version, 'v2c');
  assert.equal(result.community, 'public');
  assert.equal(result.sysDescr, 'opennotice test agent 5.9');
  assert.equal(result.sysName, 'on-udpb-garage');
  // Net-SNMP's own enterprise subtree: 1.3.6.1.4.1.8072.3.2.10 is "linux".
  assert.match(result.sysObjectId ?? '', /^1\.3\.6\.1\.4\.1\.8072\.3\.2\./);
  assert.ok((result.sysUpTime ?? -1) >= 0);
  const measure = snmp.reflection?.(result);
  assert.ok(measure);
  assert.equal(measure.request, 'GetRequest v2c system');
  assert.equal(measure.replyPackets, 1);
  assert.ok(measure.replyBytes > measure.requestBytes, `${measure.replyBytes} reply bytes for ${measure.requestBytes}`);
  const wire = wireTotals(seen, open.ip, open.port);
  assert.equal(wire.requests, 1, 'one request datagram');
  assert.ok(withinShare(measure.requestBytes, wire.requestBytes), `request ${measure.requestBytes} vs ${wire.requestBytes} on the wire`);
  assert.ok(withinShare(measure.replyBytes, wire.replyBytes), `replies ${measure.replyBytes} vs ${wire.replyBytes} on the wire`);
});

test('the readable community is a weak-credential conclusion citing the dictionary entry, and no other community is tried', async () => {
  assert.ok(existsSync(snmpd), missing);
  const outcome = await grabSnmp(ctx, open);
  const service: ObservedService<SnmpResult> = {
    ...open,
    protocol: 'snmp',
    status: outcome.status,
    result: outcome.result,
    durationMs: 1,
    observedAt: new Date().toISOString(),
  };
  const checker = snmp.credentials;
  assert.ok(checker);
  assert.ok(checker.appliesTo(service as ServiceObservation));
  const concluded = checker.concludeFromGrab?.(service as ServiceObservation);
  assert.equal(concluded?.accepted?.id, 'on-596');
  assert.equal(concluded?.attempts, 0);
  // The shipped dictionary offers SNMP exactly this entry among its SNMP-only ones.
  const ordered = orderEntries(loadDictionary(), { protocol: 'snmp' });
  assert.deepEqual(
    ordered.filter((entry) => entry.protocols.includes('snmp')).map((entry) => [entry.id, entry.username, entry.password]),
    [['on-596', 'public', '']],
  );
  const capture = await startUdpCapture(open.ip, open.port);
  const checked = await checker.check(ctx, service as ServiceObservation, ordered, { maxAttempts: 10, audit: () => assert.fail('no attempt') });
  assert.equal((await capture.stop()).length, 0, 'the check sent nothing');
  assert.equal(checked.accepted?.id, 'on-596');
});

test('an agent without the community public drops both requests: io-timeout, nothing readable, no conclusion', async () => {
  assert.ok(existsSync(snmpd), missing);
  const capture = await startUdpCapture(closed.ip, closed.port);
  const outcome = await grabSnmp(quick, closed);
  const seen = await capture.stop();
  assert.equal(outcome.status, 'io-timeout');
  assert.deepEqual(outcome.result, {});
  assert.equal(snmp.reflection?.(outcome.result), undefined);
  const wire = wireTotals(seen, closed.ip, closed.port);
  assert.deepEqual([wire.requests, wire.replies], [2, 0], 'v2c, then v1, and no answer');
  assert.equal(
    snmp.credentials?.appliesTo({ ...closed, protocol: 'snmp', status: outcome.status, result: outcome.result, durationMs: 1, observedAt: '' }),
    false,
  );
});
