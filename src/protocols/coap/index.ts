/**
 * CoAP (RFC 7252), the web protocol of constrained devices: sensors, smart-home gateways, some
 * routers (Shodan counts hundreds of thousands of open servers). A confirmable GET of
 * /.well-known/core (RFC 6690) lists the device's resources, whose types and titles often name
 * the product; the same request is a DDoS reflector's amplifier (its answer is many times its
 * 25 bytes). Only that one read-only request is ever sent: no PUT, no POST, no observe.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { type CoapResult, grabCoap } from './grabber.ts';
import { coapProbe } from './probe.ts';

export default defineProtocol<CoapResult>({
  name: 'coap',
  description: 'web protocol of constrained devices: the /.well-known/core resource list names sensors and gateways, and amplifies a reflection attack',
  transport: 'udp',
  defaultPorts: [5683],
  fields: {
    messageType: 'text',
    code: 'text',
    contentFormat: 'number',
    block2: { num: 'number', more: 'boolean', size: 'number' },
    links: 'text',
    resources: 'list',
    resourceTypes: 'list',
    titles: 'list',
    reflection: reflectionFields,
  },
  fieldNotes: {
    messageType: '`ACK` (piggy-backed answer), `CON`/`NON` (separate answer) or `RST` (the server refused the message)',
    code: 'response code as class.detail: `2.05` Content, `4.04` Not Found …',
    contentFormat: 'Content-Format of the answer; 40 is application/link-format',
    block2: 'Block2 of the answer when the list is longer than its first block (only the first is read)',
    links: 'the CoRE link-format document as received (first block, capped at 2048 characters), e.g. `</>;title="General Info";ct=0,…`',
    resources: 'link targets, e.g. `/sensors/temp` (list: not matchable)',
    resourceTypes: 'distinct `rt` values, e.g. `oic.wk.d` (list: not matchable)',
    titles: 'distinct `title` values (list: not matchable)',
    reflection: 'the request measured (`GET /.well-known/core`) and what it drew, in UDP payload bytes and datagrams',
  },
  detect: { probe: coapProbe },
  grab: grabCoap,
  reflection: (result) => result.reflection,
});
