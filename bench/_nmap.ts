// Reads nmap's XML output (-oX) of a `-sT -sV` scan: each open port, the service nmap named
// and how it came to the name, and that name in our protocol names. nmap writes one <port>
// element per line and escapes every quote and angle bracket inside attribute values (its
// service fingerprints included), which keeps a line-level reading exact.
/** One open port as nmap reported it. */
export interface NmapPort {
  ip: string;
  port: number;
  /** Absent when nmap printed no <service> element for the port. */
  service?: NmapService;
}

/** nmap's <service> element, the attributes that say what the service is. */
export interface NmapService {
  /** nmap's service name: "http", "ssh", "unknown", or a port-table entry such as "freeciv". */
  name: string;
  /** "ssl" when nmap found the service inside a TLS session. */
  tunnel?: string;
  /** "probed": the name came from what the service answered; "table": from nmap's port table alone. */
  method: string;
  product?: string;
}

/** A service a tool named from what it answered: where, and in our protocol names. */
export interface ServiceCall {
  ip: string;
  port: number;
  protocol: string;
}

/**
 * nmap's names for the services our protocols speak, in the clear. Only names nmap gives to the
 * same protocol: "http-proxy" and "http-alt" are HTTP servers, "upnp" is nmap's name for a UPnP
 * device's HTTP server, "adb" its Android debug bridge. Only nmap's port table knows "cwmp" (for
 * 7547); no probe match names it, so a TR-069 connection-request server comes out as "http" (the
 * lab's RomPager does answer HTTP), and that is counted as said: a web server, not a CWMP endpoint.
 */
const plainNames: Readonly<Record<string, string>> = {
  telnet: 'telnet',
  http: 'http',
  'http-proxy': 'http',
  'http-alt': 'http',
  ssh: 'ssh',
  ftp: 'ftp',
  rtsp: 'rtsp',
  mqtt: 'mqtt',
  upnp: 'upnp',
  cwmp: 'cwmp',
  adb: 'adb',
  // Names nmap gives a TLS service it could not look into, or from its port table for 443, 8443, 8883.
  ssl: 'https',
  https: 'https',
  'https-alt': 'https',
  'secure-mqtt': 'mqtts',
};

/**
 * Inside a TLS tunnel (tunnel="ssl", or a match name "ssl/NAME"): the TLS form of the protocol.
 * When nmap finds TLS but recognises nothing inside, it prints the port table's name with the
 * tunnel, still method="probed" (seen on the lab: "ssl/https" on 443 and "ssl/https-alt" on 8443
 * for a web interface answering 401 with an odd Server header): the HTTPS names read as HTTPS,
 * any other table name stays nmap's ("ssl/NAME", a wrong name for every service of ours).
 */
const tunnelledNames: Readonly<Record<string, string>> = {
  http: 'https',
  'http-proxy': 'https',
  'http-alt': 'https',
  https: 'https',
  'https-alt': 'https',
  ssl: 'https',
  mqtt: 'mqtts',
  'secure-mqtt': 'mqtts',
};

/**
 * Our protocol name for what nmap named; a name with no equivalent among ours is kept as nmap
 * printed it (prefixed "ssl/" when tunnelled), so it counts as named — and as named wrongly.
 * @example protocolForNmapService({ name: 'http', tunnel: 'ssl' }) // 'https'
 * @example protocolForNmapService({ name: 'nagios-nsca' }) // 'nagios-nsca'
 */
export function protocolForNmapService(service: Pick<NmapService, 'name' | 'tunnel'>): string {
  const tunnelled = service.tunnel === 'ssl' || service.name.startsWith('ssl/');
  const name = service.name.replace(/^ssl\//, '');
  if (!tunnelled) return plainNames[name] ?? name;
  return tunnelledNames[name] ?? `ssl/${name}`;
}

/** Attributes of one XML start tag (values are entity-escaped by nmap and left so). */
function attributesOf(tag: string): Map<string, string> {
  return new Map([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

/**
 * Every open TCP port in nmap's XML, with its <service> element when there is one.
 * @example parseNmapPorts(readFileSync('scan.xml', 'utf8')).filter((port) => port.service?.method === 'probed')
 */
export function parseNmapPorts(xml: string): NmapPort[] {
  const ports: NmapPort[] = [];
  for (const host of xml.split('<host ').slice(1)) {
    const ip = /<address addr="([^"]+)" addrtype="ipv4"/.exec(host)?.[1];
    if (!ip) continue;
    for (const match of host.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"[^>]*\/>(?:<service ([^>]*)>)?/g)) {
      const port: NmapPort = { ip, port: Number(match[1]) };
      if (match[2] !== undefined) {
        const attributes = attributesOf(match[2]);
        const name = attributes.get('name');
        if (name) {
          const tunnel = attributes.get('tunnel');
          const product = attributes.get('product');
          port.service = { name, method: attributes.get('method') ?? 'table', ...(tunnel ? { tunnel } : {}), ...(product ? { product } : {}) };
        }
      }
      ports.push(port);
    }
  }
  return ports;
}

/**
 * The services nmap identified, in our protocol names. nmap's guess from its port table alone
 * (method="table", which is also what it prints for a service it could not recognise) is not
 * an identification and is left out.
 * @example nmapIdentifications(readFileSync('scan.xml', 'utf8')) // [{ ip: '127.77.0.5', port: 23, protocol: 'telnet' }, …]
 */
export function nmapIdentifications(xml: string): ServiceCall[] {
  return parseNmapPorts(xml)
    .filter((port) => port.service !== undefined && port.service.method !== 'table')
    .map((port) => ({ ip: port.ip, port: port.port, protocol: protocolForNmapService(port.service!) }));
}

/**
 * Hosts nmap abandoned because of --host-timeout (it marks them with a "timedout" attribute).
 * @example countTimedOutHosts(readFileSync('scan.xml', 'utf8')) // 0
 */
export function countTimedOutHosts(xml: string): number {
  return (xml.match(/<host [^>]*timedout="true"/g) ?? []).length;
}
