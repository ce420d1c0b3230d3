import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { startLab } from '../../lab.ts';
import type { TruthDevice } from '../../types.ts';
import { readSnmpGet } from './ber.ts';

/** 127.231.0.0/24: no other test uses it. */
const cidr = '127.231.0.0/24';

interface Answer {
  data: Buffer;
  port: number;
}

/** Send one datagram from a fresh socket; collect what comes back from anywhere for `waitMs`. */
async function ask(ip: string, port: number, request: Buffer, waitMs = 300): Promise<Answer[]> {
  const socket = createSocket('udp4');
  const answers: Answer[] = [];
  socket.on('message', (data, from) => answers.push({ data, port: from.port }));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.send(request, port, ip);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.close();
  return answers;
}

const mSearch = Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n');
/** A v2c GetRequest for sysDescr.0 with community public and request-id 0x1234, encoded by hand. */
const snmpGet = Buffer.from('30270201010406' + '7075626c6963' + 'a01a' + '02021234020100020100' + '300e300c06082b060102010101000500', 'hex');
/** NTP mode 6 READVAR, version 2, sequence 1. */
const ntpReadvar = Buffer.from([0x16, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
/** NTP mode 7 MON_GETLIST_1, implementation XNTPD (the 8-byte form). */
const monlist = Buffer.from([0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00]);
/** A recursive A query for check.example, id 0xbeef. */
const dnsQuery = Buffer.concat([Buffer.from('beef01000001000000000000', 'hex'), Buffer.from('05636865636b076578616d706c650000010001', 'hex')]);
const memcachedStats = Buffer.concat([Buffer.from([0x12, 0x34, 0, 0, 0, 1, 0, 0]), Buffer.from('stats\r\n')]);

function firstWith(truth: readonly TruthDevice[], test: (device: TruthDevice) => boolean): TruthDevice {
  const device = truth.find(test);
  assert.ok(device, 'the lab has such a device');
  return device;
}

test('lab devices answer UDP as their software would, and hostile ones never with a well-formed reply', async () => {
  const lab = await startLab({ cidr, deviceCount: 220, seed: 3 });
  try {
    const devices = lab.truth.devices;
    const udp = (device: TruthDevice, protocol: string) => device.udpServices?.find((service) => service.protocol === protocol);
    assert.ok(devices.filter((device) => device.udpServices?.some((service) => service.reflector)).length >= 20, 'enough reflectors to score');

    const ssdp = firstWith(devices, (device) => device.role === 'device' && udp(device, 'ssdp') !== undefined);
    const ssdpAnswers = await ask(ssdp.ip, 1900, mSearch);
    assert.equal(ssdpAnswers.length, 5, 'rootdevice, uuid and three types');
    for (const answer of ssdpAnswers)
      assert.match(answer.data.toString(), new RegExp(`^HTTP/1.1 200 OK\\r\\n[\\s\\S]*LOCATION: http://${ssdp.ip.replaceAll('.', '\\.')}:\\d+/rootDesc.xml`));
    assert.ok(ssdpAnswers.reduce((sum, answer) => sum + answer.data.length, 0) > 5 * mSearch.length, 'SSDP amplifies');

    const request = readSnmpGet(snmpGet);
    assert.deepEqual(request, { version: 1, community: 'public', requestId: 0x1234, oids: ['1.3.6.1.2.1.1.1.0'] });
    const readable = firstWith(devices, (device) => device.role === 'device' && udp(device, 'snmp')?.readableWithPublic === true);
    const [snmpAnswer] = await ask(readable.ip, 161, snmpGet);
    assert.ok(snmpAnswer, 'a readable agent answers public');
    assert.equal(snmpAnswer.data[0], 0x30);
    assert.ok(snmpAnswer.data.includes(Buffer.from([0xa2])), 'a GetResponse');
    assert.ok(snmpAnswer.data.toString('latin1').includes(`${readable.identity?.vendor} ${readable.identity?.model}`), 'sysDescr names the device');
    const closed = devices.find((device) => device.role === 'device' && udp(device, 'snmp')?.readableWithPublic === false);
    if (closed) assert.deepEqual(await ask(closed.ip, 161, snmpGet), [], 'another community: silence');

    const monitor = firstWith(devices, (device) => device.role === 'device' && udp(device, 'ntp') !== undefined);
    const [readvar] = await ask(monitor.ip, 123, ntpReadvar);
    assert.ok(readvar?.data.toString('latin1').includes('version="ntpd 4.2.'), 'mode 6 names the version');
    assert.equal(readvar.data.readUInt16BE(2), 1, 'sequence echoed');

    const open = firstWith(devices, (device) => device.role === 'device' && udp(device, 'dns')?.reflector === true);
    const [resolved] = await ask(open.ip, 53, dnsQuery);
    assert.ok(resolved);
    assert.equal(resolved.data.readUInt16BE(0), 0xbeef);
    assert.equal(resolved.data[3]! & 0x8f, 0x80, 'RA set, NOERROR');
    assert.equal(resolved.data.readUInt16BE(6), 1, 'one answer');

    // Hostile UDP: a flood is bounded garbage; an answer from another port; a giant datagram.
    const flood = firstWith(devices, (device) => udp(device, 'ssdp')?.hostile === 'flood');
    const flooded = await ask(flood.ip, 1900, mSearch, 500);
    assert.ok(flooded.length > 50 && flooded.length <= 300);
    assert.ok(flooded.every((answer) => !answer.data.toString('latin1').startsWith('HTTP/1.1 200')));
    const elsewhere = firstWith(devices, (device) => udp(device, 'ntp')?.hostile === 'other-port');
    const moved = await ask(elsewhere.ip, 123, ntpReadvar);
    assert.equal(moved.length, 1);
    assert.notEqual(moved[0]!.port, 123, 'answered from another port');
    const giant = firstWith(devices, (device) => udp(device, 'snmp')?.hostile === 'oversized');
    const [big] = await ask(giant.ip, 161, snmpGet);
    assert.equal(big?.data.length, 65_000);
    for (const device of devices.filter((candidate) => candidate.role === 'hostile'))
      assert.ok(
        (device.udpServices ?? []).every((service) => !service.reflector),
        'no hostile service is a reflector in the truth',
      );

    const memcached = devices.find((device) => device.role === 'device' && udp(device, 'memcached') !== undefined);
    if (memcached) {
      const frames = await ask(memcached.ip, 11211, memcachedStats);
      assert.ok(frames.length >= 1 && frames.every((frame) => frame.data.readUInt16BE(0) === 0x1234));
      assert.match(Buffer.concat(frames.map((frame) => frame.data.subarray(8))).toString(), /STAT version 1\.4\.25\r\n[\s\S]*END\r\n$/);
    }
    const monitoring = firstWith(devices, (device) => device.role === 'device' && udp(device, 'ntp')?.monitorList === true);
    const list = await ask(monitoring.ip, 123, monlist);
    assert.ok(list.length >= 1 && list.every((packet) => (packet.data[0]! & 0x87) === 0x87 && packet.data[3] === 42), 'mode 7 responses to MON_GETLIST_1');
    assert.ok(list.reduce((sum, packet) => sum + packet.data.length, 0) > 40 * monlist.length, 'monlist amplifies many times');
    assert.equal(list.filter((packet) => (packet.data[0]! & 0x40) === 0).length, 1, 'the last packet alone clears the more bit');
    assert.ok(lab.stats().datagramsReceived >= 8);
  } finally {
    await lab.close();
  }
});
