/**
 * WS-Discovery (SOAP-over-UDP on 3702): ONVIF IP cameras and NVRs, WSD printers and scanners,
 * Windows hosts answer a Probe with their service types and scopes, where ONVIF devices name
 * their model (`onvif://www.onvif.org/hardware/…`) and product. A device that answers from the
 * internet is a DDoS reflector (the 2019 WS-Discovery attacks drew up to 500 times the request
 * from cameras). The grab sends one Probe with a fresh MessageID and reads the ProbeMatches
 * that relate to it; the XAddrs it learns are never contacted.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { grabWsd, type WsdResult } from './grabber.ts';
import { wsdProbe } from './probe.ts';

export default defineProtocol<WsdResult>({
  name: 'wsd',
  description: 'WS-Discovery of ONVIF cameras, printers and Windows hosts: types and scopes name the model; an answer from the internet makes a reflector',
  transport: 'udp',
  defaultPorts: [3702],
  fields: {
    types: 'list',
    scopes: 'list',
    scopeText: 'text',
    xaddrs: 'list',
    endpoint: 'text',
    metadataVersion: 'number',
    hardware: 'text',
    onvifName: 'text',
    profiles: 'list',
    reflection: reflectionFields,
  },
  fieldNotes: {
    types: 'service types, e.g. `dn:NetworkVideoTransmitter`, `tds:Device`, `wsdp:Device` (list: not matchable)',
    scopes: 'scopes of the matches, MAC and serial-number scopes left out (list: not matchable)',
    scopeText: 'the same scopes as one space-separated text, e.g. `onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/…`',
    xaddrs: 'metadata addresses the device gives (list: never contacted)',
    endpoint: 'EndpointReference address of the first match, `urn:uuid:…`',
    hardware: 'ONVIF scope `onvif://www.onvif.org/hardware/…`: the model, percent-decoded',
    onvifName: 'ONVIF scope `onvif://www.onvif.org/name/…`: the product or vendor name, percent-decoded',
    profiles: 'ONVIF profiles claimed (`Streaming`, `G`, `T` …; list: not matchable)',
    reflection: 'the request measured (`Probe`) and what it drew, in UDP payload bytes and datagrams',
  },
  detect: { probe: wsdProbe },
  grab: grabWsd,
  reflection: (result) => result.reflection,
});
