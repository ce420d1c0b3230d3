/**
 * Seeded random findings for the sharing property tests: addresses in both families, banners
 * and evidence that quote subscriber addresses in every text form (compressed, expanded,
 * upper case, IPv4-mapped), sources that label items TLP:RED, and random recipients. The
 * generator knows each address's parts, so the tests scan for its forms without using the
 * code under test to write them.
 */
import type { FindingKind } from '../../src/core/finding-kinds.ts';
import type { NotifiableFinding } from '../../src/core/records.ts';
import type { SharingFormat, SharingPolicy, SharingRecipient } from '../../src/sharing/recipient.ts';
import type { TlpLabel } from '../../src/core/tlp.ts';

/** mulberry32: small, fast, good enough to spread test cases; the seed makes failures replayable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedAddress {
  /** As the store holds it (canonical). */
  ip: string;
  /** Every way a leak of it could be written, lower case. */
  forms: string[];
}

const kinds: FindingKind[] = ['weak-credential', 'no-authentication', 'vulnerable-firmware', 'infected', 'reflector'];
const labels: TlpLabel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

export function createShareDataGenerator(seed: number) {
  const random = seededRandom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

  const ipv4 = (): GeneratedAddress => {
    // Few networks, so masked cells collect several subscribers and k is exercised both ways.
    const octets = [pick([192, 198, 203]), pick([0, 51]), int(4), int(256)];
    const dotted = octets.join('.');
    const mappedHex = `${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
    return { ip: dotted, forms: [dotted, octets.join('-'), `::ffff:${dotted}`, `::ffff:${mappedHex}`] };
  };
  const ipv6 = (): GeneratedAddress => {
    const groups = [0x2001, 0xdb8, int(3), 0, 0, int(2) === 0 ? 0 : int(65536), int(65536), 1 + int(65535)];
    const expanded = groups.map((group) => group.toString(16).padStart(4, '0')).join(':');
    const plain = groups.map((group) => group.toString(16)).join(':');
    // RFC 5952: the longest run of two or more zero groups becomes "::" (the first on ties).
    let bestStart = -1;
    let bestLength = 1;
    for (let start = 0; start < 8; start++) {
      let length = 0;
      while (start + length < 8 && groups[start + length] === 0) length++;
      if (length > bestLength) {
        bestStart = start;
        bestLength = length;
      }
    }
    const hex = groups.map((group) => group.toString(16));
    const compressed = bestStart < 0 ? plain : `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
    return { ip: compressed, forms: [...new Set([compressed, expanded, plain])] };
  };

  const finding = (id: number, address: GeneratedAddress, others: readonly GeneratedAddress[]): NotifiableFinding => {
    const kind = pick(kinds);
    // Banners quote addresses (its own and its neighbours') in any form and case.
    const quoted = () => {
      const form = pick(pick([address, ...others]).forms);
      const cased = int(2) === 0 ? form.toUpperCase() : form;
      // As a host name would carry it: the reverse-DNS style of many ISPs.
      return int(4) === 0 ? `host-${cased}.isp.example` : cased;
    };
    const evidence: Record<string, unknown> = { banner: `welcome ${quoted()} ready`, source: pick(['darknet', 'honeypot', quoted()]) };
    if (kind === 'infected') Object.assign(evidence, { family: pick(['mirai', 'mozi', quoted()]), ports: [23, 2323], packets: int(1000) });
    if (kind === 'reflector')
      Object.assign(evidence, {
        request: `M-SEARCH ${quoted()}`,
        requestBytes: 94,
        replyBytes: 2860,
        replyPackets: 9,
        amplification: 30.43,
        facts: { location: `http://${quoted()}:1900/desc.xml` },
      });
    if (kind === 'vulnerable-firmware')
      Object.assign(evidence, { cveIds: ['CVE-2019-10999'], cves: [{ cveId: 'CVE-2019-10999', summary: `reachable at ${quoted()}` }] });
    if (int(5) === 0) evidence.tlp = pick([...labels, 'tlp:amber+strict', 'nonsense']);
    return {
      id,
      kind,
      ip: address.ip,
      port: kind === 'infected' ? 0 : pick([23, 80, 1900, 8080]),
      protocol: kind === 'reflector' ? 'ssdp' : kind === 'infected' ? 'darknet' : pick(['telnet', 'http']),
      evidence,
      status: pick(['open', 'closed'] as const),
      firstSeen: '2026-11-01T00:00:00.000Z',
      lastSeen: '2026-12-01T00:00:00.000Z',
      vendor: pick(['Korvan', `Vendor ${quoted()}`]),
      model: `M-${int(100)}`,
      firmwareVersion: pick(['1.0', quoted()]),
      attribution: {
        prefix: pick(['198.51.0.0/16', `${address.ip}/${address.ip.includes(':') ? 128 : 32}`, 'not a prefix']),
        asn: pick([64500, 64501]),
        asName: `AS-NAME ${quoted()}`,
        ispId: 'isp-a',
        ispName: 'Example ISP',
        source: 'registry',
        unattributedReason: quoted(),
      },
    };
  };

  return {
    random,
    dataset(): { findings: NotifiableFinding[]; addresses: GeneratedAddress[] } {
      const addresses = Array.from({ length: 1 + int(25) }, () => (int(2) === 0 ? ipv4() : ipv6()));
      const findings = addresses.map((address, index) => finding(index + 1, address, addresses));
      return { findings, addresses };
    },
    recipient(policy: SharingPolicy): SharingRecipient {
      const formats: SharingFormat[] = policy === 'aggregated' ? ['misp', 'counts-json'] : ['misp', 'stix', 'intelmq', 'shadowserver-csv'];
      return {
        id: 'cert-x',
        name: 'CERT X',
        policy,
        maskIPv4: pick([8, 16, 24, 28, 31]),
        maskIPv6: pick([32, 48, 56, 64, 127]),
        kAnonymity: 1 + int(4),
        tlp: pick(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'] as const),
        tlpByKind: int(3) === 0 ? { [pick(kinds)]: pick(labels) } : {},
        formats,
        contact: 'cert@x.example',
      };
    },
  };
}
