/**
 * The UPnP device description (UPnP Device Architecture 1.0/2.0, §2.3): the XML document a
 * device publishes over HTTP at the LOCATION its SSDP announcements give. Without SSDP the
 * location is unknown, so a grab asks a few paths real stacks use. Pure functions: where to
 * look, and what a parsed document says about the device.
 */
import { buildGetRequest, parseResponseHead } from '../http/codec.ts';
import { hostHeader } from '../http/exchange.ts';
import type { Target } from '../../core/records.ts';
import { childNamed, localName, type XmlElement } from './xml.ts';

/**
 * Where real stacks publish the root description, most common first. A grab asks them in this
 * order and stops at the first UPnP root.
 * - `/rootDesc.xml`: miniupnpd (ROOTDESC_PATH in miniupnpdpath.h) and MiniDLNA — most routers;
 * - `/description.xml`: many libupnp (pupnp) devices, the Philips Hue bridge, media renderers;
 * - `/gatedesc.xml`: linux-igd on libupnp (its DESC_DOC_DEFAULT), seen on TP-Link gateways;
 * - `/picsdesc.xml`: the Realtek SDK's miniigd (port 52869, the CVE-2014-8361 service);
 * - `/igddesc.xml`: AVM FRITZ!Box (port 49000);
 * - `/DeviceDescription.xml`: DLNA media servers and renderers;
 * - `/setup.xml`: Belkin WeMo plugs and switches (port 49153).
 */
export const descriptionPaths: readonly string[] = [
  '/rootDesc.xml',
  '/description.xml',
  '/gatedesc.xml',
  '/picsdesc.xml',
  '/igddesc.xml',
  '/DeviceDescription.xml',
  '/setup.xml',
];

/** The device facts a description states (serialNumber is personal data and never kept). */
export type UpnpDeviceFacts = {
  deviceType?: string;
  friendlyName?: string;
  manufacturer?: string;
  manufacturerURL?: string;
  modelName?: string;
  modelNumber?: string;
  modelDescription?: string;
  modelURL?: string;
  UDN?: string;
  presentationURL?: string;
  /** From a vendor extension element (firmwareVersion, softwareVersion, …), when there is one. */
  firmware?: string;
};

export interface UpnpDescription {
  device: UpnpDeviceFacts;
  /** serviceType of each service the root device lists. */
  services: string[];
  /** The first embedded device (deviceList), for roots that only wrap the real device. */
  embedded?: UpnpDeviceFacts;
}

/** Longest value kept of one fact: descriptions are short, a longer value is noise. */
const maxFactChars = 256;
/** Services listed at most. */
const maxServices = 32;

const factElements = [
  'deviceType',
  'friendlyName',
  'manufacturer',
  'manufacturerURL',
  'modelName',
  'modelNumber',
  'modelDescription',
  'modelURL',
  'UDN',
  'presentationURL',
] as const;

/**
 * Vendor extensions that carry the firmware version, compared lower-case without prefix:
 * firmwareVersion, fwVersion, softwareVersion, swVersion (with X_ or separators), Sonos's
 * displayVersion.
 */
const firmwareElement = /^(x_)?(firmware|fw|software|sw)[-_]?(version|ver|rev|revision)$|^displayversion$/;

/**
 * The description a parsed document holds, or undefined when it is not a UPnP root
 * (`<root>` with a `<device>`; the namespace urn:schemas-upnp-org:device-1-0 is not required,
 * as some devices leave it out).
 * @example describeRoot(readXml(body).root)?.device.manufacturer // 'Linksys'
 */
export function describeRoot(root: XmlElement): UpnpDescription | undefined {
  if (localName(root.name) !== 'root') return undefined;
  const device = childNamed(root, 'device');
  if (!device) return undefined;
  const services = (childNamed(device, 'serviceList')?.children ?? [])
    .filter((service) => localName(service.name) === 'service')
    .map((service) => cleanText(childNamed(service, 'serviceType')?.text ?? ''))
    .filter((type) => type !== '')
    .slice(0, maxServices);
  const firstEmbedded = childNamed(device, 'deviceList')?.children.find((child) => localName(child.name) === 'device');
  return { device: factsOf(device), services, ...(firstEmbedded ? { embedded: factsOf(firstEmbedded) } : {}) };
}

function factsOf(device: XmlElement): UpnpDeviceFacts {
  const facts: UpnpDeviceFacts = {};
  for (const name of factElements) {
    const value = cleanText(childNamed(device, name)?.text ?? '');
    if (value !== '') facts[name] = value;
  }
  const firmware = device.children.find((child) => firmwareElement.test(localName(child.name).toLowerCase()) && cleanText(child.text) !== '');
  if (firmware) facts.firmware = cleanText(firmware.text);
  return facts;
}

/** Whitespace collapsed, control characters dropped, length capped. */
function cleanText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxFactChars);
}

/**
 * The detection probe: a GET of the first well-known path (isUpnpReply judges the answer). No User-Agent of the survey is at
 * hand here (detection builds requests without a context), so it names the project only.
 * @example descriptionProbe({ ip: '192.0.2.1', port: 5000 }).toString() // 'GET /rootDesc.xml HTTP/1.1\r\nHost: 192.0.2.1:5000\r\n…'
 */
export function descriptionProbe(target: Target): Buffer {
  return buildGetRequest({ path: descriptionPaths[0], host: hostHeader(target), userAgent: 'opennotice-survey' });
}

/**
 * Whether a reply (possibly only its start) is an HTTP response.
 * @example isHttpReply(Buffer.from('HTTP/1.1 404 Not Found\r\n')) // true
 */
export function isHttpReply(reply: Buffer): boolean {
  return /^[\r\n ]*HTTP\/\d/i.test(reply.subarray(0, 64).toString('latin1')) && parseResponseHead(reply).state !== 'invalid';
}

/**
 * Whether the answer to the probe comes from a UPnP stack: an HTTP response whose Server header
 * names UPnP (UDA asks every stack to: "Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.1", "…, UPnP/1.0,
 * Portable SDK for UPnP devices/1.14"), or a 2xx XML answer. Any other web server (a NAS's
 * interface on 5000) is left to HTTP, whose test detection tries next on the same reply.
 * @example isUpnpReply(Buffer.from('HTTP/1.1 404 Not Found\r\nServer: Linux/4.4 UPnP/1.1 MiniUPnPd/2.2\r\n\r\n')) // true
 */
export function isUpnpReply(reply: Buffer): boolean {
  if (!isHttpReply(reply)) return false;
  const parsed = parseResponseHead(reply);
  if (parsed.state !== 'complete') return false;
  const { head } = parsed;
  if (/\bUPnP\/\d/i.test(head.headers.server ?? '')) return true;
  if (head.status < 200 || head.status >= 300) return false;
  const start = reply
    .subarray(parsed.bodyStart, parsed.bodyStart + 256)
    .toString('latin1')
    .trimStart();
  return /\bxml\b/i.test(head.headers['content-type'] ?? '') || /^<(\?xml|root[\s>])/i.test(start);
}
