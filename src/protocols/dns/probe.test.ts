import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsResponses } from '../../lab/services/udp/dns-responder.ts';
import { decodeReply, dnsClasses, dnsTypes } from './codec.ts';
import { dnsProbe } from './probe.ts';

/** The question and RD bit of a query, read with the reply decoder after setting QR. */
function question(request: Buffer) {
  const asReply = Buffer.from(request);
  asReply[2]! |= 0x80;
  const decoded = decodeReply(asReply);
  assert.equal(decoded.state, 'complete');
  return { question: decoded.state === 'complete' ? decoded.reply.questions[0] : undefined, recursionDesired: (request[2]! & 0x01) === 1 };
}

test('the sweep asks version.bind CH TXT without a check name, the check name’s A (RD set) with one', () => {
  const plain = Buffer.from(dnsProbe.request({ ip: '192.0.2.7', port: 53 }));
  assert.deepEqual(question(plain), { question: { name: 'version.bind', type: dnsTypes.TXT, class: dnsClasses.CH }, recursionDesired: false });
  const checked = Buffer.from(dnsProbe.request({ ip: '192.0.2.7', port: 53 }, { resolverCheckName: 'check.example' }));
  assert.deepEqual(question(checked), { question: { name: 'check.example', type: dnsTypes.A, class: dnsClasses.IN }, recursionDesired: true });
});

test('a DNS reply is the answer, a refusal included; the query and garbage are not', () => {
  const request = Buffer.from(dnsProbe.request({ ip: '192.0.2.7', port: 53 }, { resolverCheckName: 'check.example' }));
  for (const openResolver of [true, false]) {
    const replies = dnsResponses(request, { openResolver, version: 'dnsmasq-2.78' });
    assert.ok(replies.length > 0 && replies.every((reply) => dnsProbe.matches(reply)), `open resolver: ${openResolver}`);
  }
  assert.equal(dnsProbe.matches(request), false);
  assert.equal(dnsProbe.matches(Buffer.alloc(8)), false);
});
