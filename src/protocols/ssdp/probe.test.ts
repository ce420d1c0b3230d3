import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ssdpResponses } from '../../lab/services/udp/ssdp-responder.ts';
import { encodeMSearch } from './codec.ts';
import { ssdpProbe } from './probe.ts';

test('the sweep sends the grab’s M-SEARCH; a search response is the answer, the request and garbage are not', () => {
  const request = Buffer.from(ssdpProbe.request({ ip: '192.0.2.7', port: 1900 }));
  assert.deepEqual(request, encodeMSearch());
  const persona = {
    ip: '192.0.2.7',
    descriptionPort: 49152,
    server: 'Linux/3.10 UPnP/1.0 X/1',
    uuid: 'u',
    types: ['urn:schemas-upnp-org:device:InternetGatewayDevice:1'],
  };
  const replies = ssdpResponses(request, persona);
  assert.ok(replies.length > 0 && replies.every((reply) => ssdpProbe.matches(reply)));
  assert.equal(ssdpProbe.matches(request), false);
  assert.equal(ssdpProbe.matches(Buffer.from('HTTP/1.1 404 Not Found\r\n\r\n')), false);
  assert.equal(ssdpProbe.matches(Buffer.alloc(40, 0xff)), false);
});
