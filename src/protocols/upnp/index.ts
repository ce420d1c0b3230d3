/**
 * UPnP device description: the XML a device publishes over HTTP (UPnP Device Architecture
 * §2.3) names its manufacturer, model name and number, often its firmware. The grab asks a
 * few well-known paths (codec.ts) and reads the first UPnP root with a reader that refuses XML
 * bombs, external entities and oversized documents (xml.ts).
 *
 * Ports: 49152 is where libupnp (pupnp) stacks listen first (APPLICATION_LISTENING_PORT),
 * 5000 is miniupnpd's port on OpenWrt and many router firmwares; also 1900 (TP-Link gateways
 * serve their description on TCP 1900), 49000 (AVM FRITZ!Box), 49153 (libupnp's next port,
 * Belkin WeMo), 52869 (the Realtek SDK's miniigd).
 */
import { defineProtocol } from '../protocol.ts';
import { descriptionProbe, isUpnpReply } from './codec.ts';
import { grabUpnp, type UpnpResult } from './grabber.ts';

const facts = {
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
} as const;

export default defineProtocol<UpnpResult>({
  name: 'upnp',
  description: 'the UPnP device description a router, camera or media device publishes: manufacturer, model name and number, sometimes firmware',
  transport: 'tcp',
  defaultPorts: [49152, 5000],
  otherPorts: [1900, 49000, 49153, 52869],
  fields: { ...facts, descriptionPath: 'text', server: 'text', services: 'list', embedded: facts, refusal: 'text' },
  fieldNotes: {
    descriptionPath: 'the well-known path that answered with the description',
    server: 'HTTP Server header of that answer, e.g. `Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1`',
    services: 'serviceType of each service of the root device (list: not matchable)',
    embedded: 'the same facts of the first embedded device, for roots that only wrap the real device',
    firmware: 'from a vendor extension: firmwareVersion, fwVersion, softwareVersion, swVersion (optionally X_-prefixed) or displayVersion',
    UDN: 'the unique device name, `uuid:…`; the serial number is never kept',
    refusal:
      'why a document was not read: `entity-declaration` (XML bomb), `external-entity` (XXE), `undeclared-entity`, `too-large`, `too-deep`, `too-many-elements`, `malformed`',
  },
  detect: { probe: { request: descriptionProbe, matches: isUpnpReply, ownPortsOnly: true } },
  grab: grabUpnp,
});
