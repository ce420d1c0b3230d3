import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snmpResponses } from '../../lab/services/udp/snmp-agent.ts';
import { decodeResponse } from './codec.ts';
import { snmpProbe } from './probe.ts';

test('the sweep sends the grab’s v2c GetRequest with public; a Response is the answer, the request and garbage are not', () => {
  const request = Buffer.from(snmpProbe.request({ ip: '192.0.2.7', port: 161 }));
  const replies = snmpResponses(request, { community: 'public', sysDescr: 'Linux cam 4.4', sysObjectId: '1.3.6.1.4.1.8072.3.2.10', sysName: 'cam' });
  assert.equal(replies.length, 1);
  assert.equal(snmpProbe.matches(replies[0]!), true);
  const response = decodeResponse(replies[0]!);
  assert.ok(response.state === 'complete' && response.response.version === 1, 'asked in v2c');
  assert.equal(snmpProbe.matches(request), false, 'a GetRequest is not a Response');
  assert.equal(snmpProbe.matches(Buffer.from('public')), false);
  assert.deepEqual(snmpResponses(request, { community: 'private', sysDescr: '', sysObjectId: '1.3', sysName: '' }), [], 'another community: silence');
});
