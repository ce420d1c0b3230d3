import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreCredentialFindings, scoreUdpFindings } from './score-against-truth.ts';
import type { LabTruth } from './truth.ts';

const truth: LabTruth = {
  seed: 1,
  cidr: '127.0.0.0/30',
  deviceCount: 2,
  vulnerabilityFeed: { synthetic: [], real: [] },
  devices: [
    {
      ip: '127.0.0.1',
      role: 'device',
      services: [{ port: 23, protocol: 'telnet', auth: 'none' }],
      weaknesses: [{ kind: 'no-authentication', port: 23, protocol: 'telnet', via: 'telnet-open-shell' }],
      udpServices: [
        { port: 1900, protocol: 'ssdp', reflector: true },
        { port: 161, protocol: 'snmp', reflector: true, readableWithPublic: true },
        { port: 53, protocol: 'dns', reflector: false },
      ],
      vulnerabilities: [],
    },
    {
      ip: '127.0.0.2',
      role: 'hostile',
      hostileBehaviour: 'endless-banner',
      services: [],
      weaknesses: [],
      udpServices: [{ port: 1900, protocol: 'ssdp', reflector: false, hostile: 'flood' }],
      vulnerabilities: [],
    },
  ],
};

test('UDP findings are scored against the UDP truth, and kept out of the TCP credential score', () => {
  const findings = [
    { kind: 'no-authentication', ip: '127.0.0.1', port: 23, protocol: 'telnet' },
    { kind: 'reflector', ip: '127.0.0.1', port: 1900, protocol: 'ssdp' },
    { kind: 'reflector', ip: '127.0.0.2', port: 1900, protocol: 'ssdp' },
    { kind: 'weak-credential', ip: '127.0.0.1', port: 161, protocol: 'snmp' },
  ];
  const udp = scoreUdpFindings(truth, findings);
  assert.equal(udp.reflectors.precision, 0.5, 'the flood counted as a reflector is a false positive');
  assert.equal(udp.reflectors.recall, 0.5, 'the SNMP reflector was missed');
  assert.deepEqual(
    udp.reflectors.falseNegatives.map((key) => key.port),
    [161],
  );
  assert.equal(udp.readableCommunities.precision, 1);
  assert.equal(udp.readableCommunities.recall, 1);
  const tcp = scoreCredentialFindings(truth, findings);
  assert.equal(tcp.precision, 1, 'the SNMP community finding is not a TCP false positive');
  assert.equal(tcp.recall, 1);
});
