/**
 * Multicast DNS (RFC 6762) with DNS-SD (RFC 6763) on UDP 5353: printers, cameras, NAS boxes,
 * media players and smart speakers announce their services and often their model (TXT keys).
 * A responder that answers a unicast query from off its link is exposed to the internet and a
 * DDoS reflector (US-CERT TA14-017A lists mDNS). The grab sends one legacy unicast query for the
 * service type list (`_services._dns-sd._udp.local` PTR) and reads whatever records come back.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { grabMdns, type MdnsResult } from './grabber.ts';
import { mdnsProbe } from './probe.ts';

export default defineProtocol<MdnsResult>({
  name: 'mdns',
  description: 'multicast DNS and DNS-SD: the service types a device offers, its name and TXT model keys; an answer from off-link makes a reflector',
  transport: 'udp',
  defaultPorts: [5353],
  fields: {
    serviceTypes: 'list',
    instances: 'list',
    hostnames: 'list',
    deviceName: 'text',
    hinfo: 'text',
    txt: 'header-map',
    model: 'text',
    reflection: reflectionFields,
  },
  fieldNotes: {
    serviceTypes: 'service types the responder lists, e.g. `_ipp._tcp.local` (list: not matchable)',
    instances: 'service instance names any answer carried (list: not matchable)',
    hostnames: 'host names of SRV and address records, e.g. `kestrix-cam.local` (list: not matchable)',
    deviceName: 'the first instance name without its service type, or the first host name without `.local`',
    hinfo: 'HINFO as `CPU OS`, e.g. `X86_64 LINUX`',
    txt: 'TXT keys naming the product or firmware, lower-case (`txt.model`, `txt.md`, `txt.ty`, `txt.usb_mdl`, `txt.am`, `txt.fw` …)',
    model: 'the first of the TXT keys model, md, usb_MDL, mdl, ty, am, product, mn',
    reflection: 'the request measured (`PTR _services._dns-sd._udp.local`) and what it drew, in UDP payload bytes and datagrams',
  },
  detect: { probe: mdnsProbe },
  grab: grabMdns,
  reflection: (result) => result.reflection,
});
