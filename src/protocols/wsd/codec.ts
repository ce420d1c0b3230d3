/**
 * WS-Discovery (OASIS / Microsoft 2005/04, the version ONVIF and Windows devices speak) over
 * SOAP-over-UDP. Pure functions: the one Probe a survey sends — no Types, so every target
 * service matches it, as ONVIF cameras and WSD printers are required to answer — and the reading
 * of a ProbeMatches answer with the project's entity-free, bounded XML reader.
 */
import { defaultXmlLimits, localName, readXml, type XmlElement } from '../upnp/xml.ts';

/** How reports name the request measured. */
export const wsdRequestName = 'Probe';

/**
 * A Probe with `messageId` ("urn:uuid:…"), addressed to the discovery URN as multicast probes
 * are (WS-Discovery §5.2.1), though it goes to the target alone.
 * @example encodeProbe('urn:uuid:2f1d0b9e-…').toString('utf8').includes('<wsd:Probe/>') // true
 */
export function encodeProbe(messageId: string): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
      'xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"><soap:Header>' +
      '<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>' +
      '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action>' +
      `<wsa:MessageID>${messageId}</wsa:MessageID>` +
      '</soap:Header><soap:Body><wsd:Probe/></soap:Body></soap:Envelope>',
    'utf8',
  );
}

/** One ProbeMatch: a target service that matched. */
export interface ProbeMatch {
  /** EndpointReference/Address: the service's stable id, usually "urn:uuid:…". */
  endpoint?: string;
  types: string[];
  scopes: string[];
  xaddrs: string[];
  metadataVersion?: number;
}

export type ProbeMatchesRead = { ok: true; matches: ProbeMatch[] } | { ok: false; reason: string };

/**
 * SOAP-over-UDP datagrams are at most 32 KiB (wsdd's WSD_MAX_LEN); an ONVIF camera's envelope
 * declares some fifty namespaces on its root, so attributes are allowed more generously than
 * in a device description.
 */
const limits = { ...defaultXmlLimits, maxBytes: 32 * 1024, maxAttributes: 96, maxElements: 2000 };
/** Matches, and list items per match, kept at most. */
const maxMatches = 8;
const maxItems = 32;
const maxItemChars = 512;

/**
 * The ProbeMatches of a datagram that answers `messageId` (its RelatesTo), or why not.
 * @example readProbeMatches(reply, 'urn:uuid:…') // { ok: true, matches: [{ types: ['dn:NetworkVideoTransmitter', 'tds:Device'], … }] }
 */
export function readProbeMatches(bytes: Buffer, messageId: string): ProbeMatchesRead {
  const read = readXml(bytes, limits);
  if (!read.ok) return { ok: false, reason: `XML refused (${read.refusal}): ${read.message}` };
  const envelope = read.root;
  if (localName(envelope.name) !== 'Envelope') return { ok: false, reason: 'not a SOAP envelope' };
  const header = child(envelope, 'Header');
  const body = child(envelope, 'Body');
  const relatesTo = text(header && child(header, 'RelatesTo'));
  if (relatesTo.toLowerCase() !== messageId.toLowerCase()) return { ok: false, reason: 'RelatesTo is not the probe’s MessageID' };
  const probeMatches = body && child(body, 'ProbeMatches');
  if (!probeMatches) return { ok: false, reason: 'no ProbeMatches in the body' };
  const matches = probeMatches.children
    .filter((element) => localName(element.name) === 'ProbeMatch')
    .slice(0, maxMatches)
    .map((match): ProbeMatch => {
      const endpoint = text(childPath(match, ['EndpointReference', 'Address']));
      const version = Number.parseInt(text(child(match, 'MetadataVersion')), 10);
      return {
        ...(endpoint === '' ? {} : { endpoint }),
        types: items(child(match, 'Types')),
        scopes: items(child(match, 'Scopes')),
        xaddrs: items(child(match, 'XAddrs')),
        ...(Number.isSafeInteger(version) && version >= 0 ? { metadataVersion: version } : {}),
      };
    });
  return { ok: true, matches };
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => localName(candidate.name) === name);
}

function childPath(element: XmlElement, path: readonly string[]): XmlElement | undefined {
  let current: XmlElement | undefined = element;
  for (const name of path) current = current && child(current, name);
  return current;
}

function text(element: XmlElement | undefined): string {
  return clean(element?.text ?? '').slice(0, maxItemChars);
}

/** A whitespace-separated list (Types, Scopes, XAddrs are xs:list), bounded in items and characters. */
function items(element: XmlElement | undefined): string[] {
  return clean((element?.text ?? '').slice(0, maxItems * maxItemChars))
    .split(/\s+/)
    .filter((item) => item !== '')
    .slice(0, maxItems)
    .map((item) => item.slice(0, maxItemChars));
}

function clean(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** What ONVIF scopes say about the device (ONVIF Core §7.3.2.2). */
export interface OnvifHints {
  /** onvif://www.onvif.org/hardware/… : the model. */
  hardware?: string;
  /** onvif://www.onvif.org/name/… : the product or vendor name. */
  name?: string;
  /** onvif://www.onvif.org/Profile/… : the ONVIF profiles it claims. */
  profiles: string[];
}

/**
 * Model, name and profiles from ONVIF scopes, percent-decoded.
 * @example onvifHints(['onvif://www.onvif.org/hardware/DS-2CD2142FWD-I', 'onvif://www.onvif.org/name/HIKVISION%20Camera']) // { hardware: 'DS-2CD2142FWD-I', name: 'HIKVISION Camera', profiles: [] }
 */
export function onvifHints(scopes: readonly string[]): OnvifHints {
  const hints: OnvifHints = { profiles: [] };
  for (const scope of scopes) {
    const match = /^onvif:\/\/www\.onvif\.org\/([^/]+)\/(.+)$/i.exec(scope);
    if (!match) continue;
    const key = match[1].toLowerCase();
    const value = decode(match[2]);
    if (key === 'hardware') hints.hardware ??= value;
    else if (key === 'name') hints.name ??= value;
    else if (key === 'profile') hints.profiles.push(value);
  }
  return hints;
}

/**
 * Scopes without those that identify one unit rather than a product (MAC address, serial
 * number), which the survey never keeps.
 * @example withoutUnitIds(['onvif://www.onvif.org/MAC/44:19:b6:00:00:01', 'onvif://www.onvif.org/type/video_encoder']) // ['onvif://www.onvif.org/type/video_encoder']
 */
export function withoutUnitIds(scopes: readonly string[]): string[] {
  return scopes.filter((scope) => !/^onvif:\/\/www\.onvif\.org\/(mac|serial|serialnumber)\//i.test(scope));
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value).trim();
  } catch {
    return value.trim();
  }
}
