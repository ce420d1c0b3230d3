import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ntpResponses } from '../../lab/services/udp/ntp-responder.ts';
import { ntpProbe } from './probe.ts';

test('the sweep sends the grab’s mode 6 READVAR; a mode 6 READVAR response is the answer, the request and a client packet are not', () => {
  const request = Buffer.from(ntpProbe.request({ ip: '192.0.2.7', port: 123 }));
  assert.equal(request[0]! & 0x07, 6, 'mode 6');
  const replies = ntpResponses(request, { version: 'ntpd 4.2.8p15', system: 'Linux/4.4.60', processor: 'mips', stratum: 3, monitorEntries: 0 });
  assert.ok(replies.length > 0 && replies.every((reply) => ntpProbe.matches(reply)));
  assert.equal(ntpProbe.matches(request), false);
  const clientPacket = Buffer.alloc(48);
  clientPacket[0] = (4 << 3) | 4; // a server's mode 4 answer to a client: not what was asked
  assert.equal(ntpProbe.matches(clientPacket), false);
});
