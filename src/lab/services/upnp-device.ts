/**
 * A device's UPnP description server, as a site for the lab's HTTP server (http-server.ts):
 * the root description at one path, 404 elsewhere, in the habits of miniupnpd. Hostile variants
 * serve, at the same path, a billion-laughs document, a document with an external entity, and
 * one far larger than any description: a survey must refuse each unread and record why.
 */
import type { HttpReply, HttpSite } from '../vendors/profile.ts';
import { routeOf } from '../vendors/http-kit.ts';

/** What the description says about the device (the lab's equivalent of miniupnpd's config). */
export interface UpnpDevicePersona {
  friendlyName: string;
  manufacturer: string;
  manufacturerURL?: string;
  modelName: string;
  modelNumber: string;
  modelDescription?: string;
  /** Personal data a real description carries; a survey must not keep it. */
  serialNumber: string;
  /** "uuid:…" */
  udn: string;
  /** Written as a vendor extension element `<firmwareVersion>` when set. */
  firmware?: string;
  /** A root that only wraps the real device: the persona is then the embedded device's. */
  wrapped?: boolean;
}

export type UpnpDeviceVariant =
  | { kind: 'description'; persona: UpnpDevicePersona }
  | { kind: 'billion-laughs' }
  | { kind: 'external-entity' }
  /** A description padded past the reader's cap. */
  | { kind: 'oversized'; bytes: number };

export interface UpnpDeviceOptions {
  /** Where the description is served. */
  path: string;
  /** The Server header. */
  server: string;
}

const defaultOptions: UpnpDeviceOptions = { path: '/rootDesc.xml', server: 'Linux/3.10.14 UPnP/1.1 MiniUPnPd/2.1' };

/**
 * @example createLabHttpServer(stats).accept(socket, upnpDeviceSite({ kind: 'billion-laughs' }))
 */
export function upnpDeviceSite(variant: UpnpDeviceVariant, options: Partial<UpnpDeviceOptions> = {}): HttpSite {
  const { path, server } = { ...defaultOptions, ...options };
  const document = documentOf(variant);
  return (request) => {
    if (request.method !== 'GET' || routeOf(request) !== path) {
      return xmlReply(server, 404, '<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD><BODY><H1>Not Found</H1></BODY></HTML>\r\n', 'text/html');
    }
    return xmlReply(server, 200, document, 'text/xml; charset="utf-8"');
  };
}

function xmlReply(server: string, status: number, body: string, contentType: string): HttpReply {
  // The lab's HTTP server writes bodies as latin1: hand it the UTF-8 bytes of the text.
  return {
    status,
    headers: [
      ['Server', server],
      ['Content-Type', contentType],
      ['Ext', ''],
    ],
    body: Buffer.from(body, 'utf8').toString('latin1'),
    sendDate: false,
  };
}

function documentOf(variant: UpnpDeviceVariant): string {
  switch (variant.kind) {
    case 'description':
      return upnpDescriptionXml(variant.persona);
    case 'billion-laughs':
      return billionLaughsXml();
    case 'external-entity':
      return externalEntityXml();
    case 'oversized':
      return oversizedXml(variant.bytes);
  }
}

/**
 * An Internet Gateway Device description in miniupnpd's shape: the device, its services, an
 * embedded WANDevice.
 * @example upnpDescriptionXml(persona).includes('<modelName>KX-R300</modelName>') // true
 */
export function upnpDescriptionXml(persona: UpnpDevicePersona): string {
  const device = (inner: string) =>
    '<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>' +
    `<friendlyName>${escapeXml(persona.friendlyName)}</friendlyName><manufacturer>${escapeXml(persona.manufacturer)}</manufacturer>` +
    (persona.manufacturerURL ? `<manufacturerURL>${escapeXml(persona.manufacturerURL)}</manufacturerURL>` : '') +
    `<modelDescription>${escapeXml(persona.modelDescription ?? `${persona.manufacturer} router`)}</modelDescription>` +
    `<modelName>${escapeXml(persona.modelName)}</modelName><modelNumber>${escapeXml(persona.modelNumber)}</modelNumber>` +
    `<serialNumber>${escapeXml(persona.serialNumber)}</serialNumber><UDN>${escapeXml(persona.udn)}</UDN>` +
    (persona.firmware ? `<firmwareVersion>${escapeXml(persona.firmware)}</firmwareVersion>` : '') +
    '<serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>' +
    '<serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId><SCPDURL>/L3F.xml</SCPDURL><controlURL>/ctl/L3F</controlURL><eventSubURL>/evt/L3F</eventSubURL></service></serviceList>' +
    `${inner}<presentationURL>http://192.168.1.1/</presentationURL></device>`;
  const wanDevice =
    '<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><friendlyName>WANDevice</friendlyName>' +
    `<manufacturer>MiniUPnP</manufacturer><modelName>WAN Device</modelName><modelNumber>20170421</modelNumber><UDN>${escapeXml(persona.udn)}-wan</UDN></device></deviceList>`;
  const root = persona.wrapped
    ? '<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>UPnP root</friendlyName>' +
      `<manufacturer>Generic</manufacturer><modelName>UPnP</modelName><UDN>${escapeXml(persona.udn)}-root</UDN><deviceList>${device('')}</deviceList></device>`
    : device(wanDevice);
  return `<?xml version="1.0"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>${root}</root>\r\n`;
}

/** The classic exponential entity bomb: ten levels of ten references, a billion "lol"s expanded. */
export function billionLaughsXml(): string {
  const levels = Array.from({ length: 9 }, (_, index) => ` <!ENTITY lol${index + 1} "${`&lol${index === 0 ? '' : index};`.repeat(10)}">`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE root [',
    ' <!ENTITY lol "lol">',
    ...levels,
    ']>',
    '<root xmlns="urn:schemas-upnp-org:device-1-0"><device>',
    '<friendlyName>&lol9;</friendlyName>',
    '</device></root>',
    '',
  ].join('\r\n');
}

/** XXE: an entity whose value a careless reader fetches from the reader's own machine. */
export function externalEntityXml(): string {
  return (
    '<?xml version="1.0"?>\r\n<!DOCTYPE root [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\r\n' +
    '<root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>&xxe;</friendlyName><manufacturer>Evil</manufacturer></device></root>\r\n'
  );
}

/** A well-formed description of `bytes` (at least), padded with a long model description. */
export function oversizedXml(bytes: number): string {
  const head = '<?xml version="1.0"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0"><device><modelDescription>';
  const tail = '</modelDescription><modelName>Huge</modelName></device></root>\r\n';
  return `${head}${'lorem ipsum '.repeat(Math.ceil(Math.max(0, bytes - head.length - tail.length) / 12))}${tail}`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[char]};`);
}
