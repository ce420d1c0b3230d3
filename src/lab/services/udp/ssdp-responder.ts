/**
 * A device's SSDP answers to a unicast M-SEARCH (UPnP Device Architecture 1.1 §1.3): one
 * HTTP-over-UDP 200 response per matching search target, each with the device's SERVER string
 * and the LOCATION of its device description. An `ssdp:all` search gets them all — which is
 * why SSDP amplifies (a ~100-byte search, several ~300-byte answers).
 */

export interface SsdpPersona {
  ip: string;
  /** TCP port of the device description (the device's UPnP HTTP server). */
  descriptionPort: number;
  /** SERVER header: "OS/version UPnP/1.0 product/version". */
  server: string;
  uuid: string;
  /** Device and service types it advertises (urn:schemas-upnp-org:…). */
  types: readonly string[];
}

const searchLine = /^M-SEARCH \* HTTP\/1\.[01]\r\n/i;

function headerOf(text: string, name: string): string | undefined {
  const line = text.split('\r\n').find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/**
 * The responses to one request: none unless it is an M-SEARCH for ssdp:discover.
 * @example ssdpResponses(Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'), persona).length // 2 + persona.types.length
 */
export function ssdpResponses(request: Buffer, persona: SsdpPersona): Buffer[] {
  const text = request.subarray(0, 2048).toString('latin1');
  if (!searchLine.test(text) || headerOf(text, 'MAN')?.replaceAll('"', '') !== 'ssdp:discover') return [];
  const wanted = headerOf(text, 'ST') ?? '';
  const targets = ['upnp:rootdevice', `uuid:${persona.uuid}`, ...persona.types];
  const matching = wanted === 'ssdp:all' ? targets : targets.filter((target) => target === wanted);
  return matching.map((target) => {
    const usn = target.startsWith('uuid:') ? target : `uuid:${persona.uuid}::${target}`;
    return Buffer.from(
      'HTTP/1.1 200 OK\r\n' +
        'CACHE-CONTROL: max-age=1800\r\n' +
        'DATE: Sat, 05 Dec 2026 12:00:00 GMT\r\n' +
        'EXT:\r\n' +
        `LOCATION: http://${persona.ip}:${persona.descriptionPort}/rootDesc.xml\r\n` +
        `SERVER: ${persona.server}\r\n` +
        `ST: ${target}\r\n` +
        `USN: ${usn}\r\n` +
        '\r\n',
      'latin1',
    );
  });
}
