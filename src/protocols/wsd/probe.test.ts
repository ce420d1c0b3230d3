import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wsdProbe } from './probe.ts';

test('the sweep sends the grab’s Probe; ProbeMatches in an envelope is the answer, the Probe and other SOAP are not', () => {
  const request = Buffer.from(wsdProbe.request({ ip: '192.0.2.7', port: 3702 }));
  assert.match(request.toString(), /<wsd:Probe\/><\/soap:Body><\/soap:Envelope>$/);
  assert.equal(wsdProbe.matches(request), false);
  const answer = '<s:Envelope xmlns:s="x"><s:Header/><s:Body><d:ProbeMatches><d:ProbeMatch/></d:ProbeMatches></s:Body></s:Envelope>';
  assert.equal(wsdProbe.matches(Buffer.from(answer)), true);
  assert.equal(wsdProbe.matches(Buffer.from('<s:Envelope><s:Body><s:Fault/></s:Body></s:Envelope>')), false);
});
