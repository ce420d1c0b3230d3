/**
 * SSDP (UPnP Device Architecture §1.3), the discovery half of UPnP on UDP 1900: a device that
 * answers an M-SEARCH from the internet is one of the most abused DDoS reflectors (Rossow, NDSS
 * 2014: ssdp:all draws about 30 times its bytes), and its answers name the UPnP stack (SERVER)
 * and where its device description lives (LOCATION). The grab sends one M-SEARCH, measures the
 * answers, and reads the description over TCP only when LOCATION is on the target's own address.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { grabSsdp, type SsdpResult } from './grabber.ts';
import { ssdpProbe } from './probe.ts';

export default defineProtocol<SsdpResult>({
  name: 'ssdp',
  description: 'UPnP discovery: SERVER names the UPnP stack, LOCATION leads to the device description; an answer from the internet makes a reflector',
  transport: 'udp',
  defaultPorts: [1900],
  fields: {
    server: 'text',
    location: 'text',
    cacheControl: 'text',
    searchTargets: 'list',
    usns: 'list',
    description: 'text',
    deviceType: 'text',
    friendlyName: 'text',
    manufacturer: 'text',
    manufacturerURL: 'text',
    modelName: 'text',
    modelNumber: 'text',
    modelDescription: 'text',
    modelURL: 'text',
    UDN: 'text',
    presentationURL: 'text',
    firmware: 'text',
    reflection: reflectionFields,
  },
  fieldNotes: {
    server: 'SERVER of the first search response, e.g. `Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1`',
    location: 'LOCATION of the first response that has one: the device description URL',
    searchTargets: 'distinct ST values of the responses (list: not matchable)',
    usns: 'distinct USN values (list: not matchable)',
    description:
      'what became of LOCATION: `read`, `other-host` (not the target’s address, never fetched), `not-http`, `unreachable`, `not-upnp`, or an XML refusal',
    firmware: 'from the description’s vendor extension, as for upnp',
    UDN: 'from the description, `uuid:…`; the serial number is never kept',
    reflection: 'the request measured (`M-SEARCH ssdp:all`) and what it drew, in UDP payload bytes and datagrams',
  },
  detect: { probe: ssdpProbe },
  grab: grabSsdp,
  reflection: (result) => result.reflection,
});
