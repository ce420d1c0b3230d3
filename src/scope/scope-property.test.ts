/**
 * R1, the arithmetic half: over a million generated (scope, address) cases — requested ranges,
 * exclusions, approved opt-outs, a blocklist (random ones, and the shipped one), IPv4 and IPv6,
 * loopback and documentation-range exemptions — the dialer's gate admits an address exactly
 * when a deliberately plain oracle says it may be contacted. The oracle shares no code with
 * the scope: ranges are [first, last] pairs of bigints compared one by one.
 *
 * Besides the canonical text of each probe, every other text the kernel would read as an
 * address is tried (IPv4-mapped IPv6, IPv6 upper case and uncompressed, IPv4 with leading
 * zeros, which inet_aton reads as octal): such a text may be admitted only if every address it
 * can denote is allowed. And for a sample of the cases the whole dialer runs (TCP, TLS, UDP
 * query) with socket factories that record what they were asked to open: nothing the oracle
 * forbids ever reaches them. A plan adds its ranges and exclusions through the same two lists
 * (survey/policy.ts), so the cases cover plans too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressSpace } from './address-space.ts';
import { readDefaultBlocklist } from './cidr-file.ts';
import { createDialGate } from './dial-gate.ts';
import { createDialer } from './dialer.ts';
import { buildScope, exemptableReserved, type Scope } from './scope.ts';

interface Range {
  first: bigint;
  last: bigint;
}

interface Case {
  family: 4 | 6;
  requested: string[];
  excluded: string[];
  optOuts: string[];
  /** Undefined: the shipped blocklist. */
  blocklist: string[] | undefined;
  allowReserved: string[];
}

const casesWanted = 1_000_000;
const probesPerScope = 100;
const fullDialerEvery = 151;
const rate = { connectionsPerSecond: 1_000_000, maxConcurrent: 10_000, perHostConcurrent: 100 };

/** xorshift32: reproducible, and fast enough for a million draws. */
function randomSource(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  return {
    below: (limit: number) => next() % limit,
    bits: (count: number): bigint => {
      let value = 0n;
      for (let taken = 0; taken < count; taken += 32) value = (value << 32n) | BigInt(next());
      return value & ((1n << BigInt(count)) - 1n);
    },
  };
}
type Random = ReturnType<typeof randomSource>;

const width = (family: 4 | 6) => (family === 4 ? 32 : 128);

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** Eight groups, no compression, lower case: a valid text the project's formatter never writes. */
function ipv6Expanded(value: bigint): string {
  return Array.from({ length: 8 }, (_, group) => ((value >> BigInt(112 - 16 * group)) & 0xffffn).toString(16)).join(':');
}

/** RFC 5952 form, written here independently of src/scope/ipv6.ts. */
function ipv6Canonical(value: bigint): string {
  const groups = ipv6Expanded(value).split(':');
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== '0') {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === '0') end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

const textOf = (family: 4 | 6, value: bigint) => (family === 4 ? ipv4Text(value) : ipv6Canonical(value));

function cidrText(family: 4 | 6, range: Range): string {
  const size = range.last - range.first + 1n;
  const prefix = width(family) - (size.toString(2).length - 1);
  return `${textOf(family, range.first)}/${prefix}`;
}

function parseCidrPlain(text: string): { family: 4 | 6; range: Range } {
  const [address = '', prefixText = ''] = text.split('/');
  const family: 4 | 6 = address.includes(':') ? 6 : 4;
  const bitsWide = width(family);
  const prefix = BigInt(prefixText === '' ? bitsWide : Number(prefixText));
  let value = 0n;
  if (family === 4) for (const octet of address.split('.')) value = (value << 8n) | BigInt(Number(octet));
  else {
    const [head = '', tail] = address.split('::');
    const groups = (part: string) => (part === '' ? [] : part.split(':'));
    const left = groups(head);
    const right = tail === undefined ? [] : groups(tail);
    const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
    for (const group of all) value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  const hostBits = BigInt(bitsWide) - prefix;
  const first = (value >> hostBits) << hostBits;
  return { family, range: { first, last: first + (1n << hostBits) - 1n } };
}

const inAny = (ranges: readonly Range[], value: bigint) => ranges.some((range) => value >= range.first && value <= range.last);

/** The oracle: requested, minus excluded, minus opted out, minus the blocklist (loopback and the exempted documentation ranges aside). */
function oracleFor(scopeCase: Case, shippedBlocklist: readonly string[]) {
  const ranges = (cidrs: readonly string[], family: 4 | 6) =>
    cidrs
      .map(parseCidrPlain)
      .filter((parsed) => parsed.family === family)
      .map((parsed) => parsed.range);
  const build = (family: 4 | 6) => ({
    requested: ranges(scopeCase.requested, family),
    excluded: ranges([...scopeCase.excluded, ...scopeCase.optOuts], family),
    blocked: ranges(scopeCase.blocklist ?? shippedBlocklist, family),
    exempt: ranges([...(family === 4 ? ['127.0.0.0/8'] : ['::1/128']), ...scopeCase.allowReserved], family),
  });
  const byFamily = { 4: build(4), 6: build(6) };
  return (family: 4 | 6, value: bigint): boolean => {
    const lists = byFamily[family];
    if (!inAny(lists.requested, value) || inAny(lists.excluded, value)) return false;
    return !inAny(lists.blocked, value) || inAny(lists.exempt, value);
  };
}

/** A random CIDR inside `region` (a range of 2^regionBits addresses). */
function cidrIn(random: Random, regionFirst: bigint, regionBits: number): Range {
  const hostBits = random.below(regionBits + 1);
  const offset = (random.bits(regionBits) >> BigInt(hostBits)) << BigInt(hostBits);
  const first = regionFirst + offset;
  return { first, last: first + (1n << BigInt(hostBits)) - 1n };
}

const documentationRegions = ['192.0.2.0/24', '198.51.100.0/24', '2001:db8:5::/48'];

function generateCase(random: Random, index: number): { scopeCase: Case; region: Range; family: 4 | 6 } {
  const family: 4 | 6 = random.below(10) < 7 ? 4 : 6;
  const regionBits = family === 4 ? 8 + random.below(9) : 16 + random.below(48);
  let region: Range;
  const pick = random.below(20);
  if (pick === 0) {
    // Loopback: exempt from the blocklist, as the lab is.
    region = parseCidrPlain(family === 4 ? `127.${random.below(256)}.0.0/16` : '::/120').range;
  } else if (pick === 1) {
    region = parseCidrPlain(documentationRegions[family === 4 ? random.below(2) : 2]!).range;
  } else {
    const bits = width(family);
    const base = family === 4 ? random.bits(32) : (0x2n << 124n) | random.bits(124); // IPv6: inside 2000::/3, where subscribers live
    const hostBits = BigInt(Math.min(regionBits, bits));
    const first = (base >> hostBits) << hostBits;
    region = { first, last: first + (1n << hostBits) - 1n };
  }
  const regionSize = region.last - region.first + 1n;
  const regionWidth = regionSize.toString(2).length - 1;
  const some = (count: number) => Array.from({ length: count }, () => cidrText(family, cidrIn(random, region.first, regionWidth)));
  const documentation = documentationRegions.filter((cidr) => {
    const parsed = parseCidrPlain(cidr);
    return parsed.family === family && parsed.range.first === region.first;
  });
  // Some IPv4 cases also request IPv6 space that holds every IPv4 address in another spelling
  // (IPv4-mapped ::ffff:0:0/96, or all of it): the IPv4 exclusions must still hold.
  const shipped = index % 25 === 0;
  const embedding = family === 4 && (shipped || random.below(4) === 0) ? [['::/0', '::ffff:0:0/96', '::/96', '64:ff9b::/96'][random.below(4)]!] : [];
  const scopeCase: Case = {
    family,
    requested: [...(random.below(8) === 0 ? [cidrText(family, region)] : some(1 + random.below(4))), ...embedding],
    excluded: some(random.below(5)),
    optOuts: some(random.below(4)),
    // One case in 25 uses the shipped blocklist; the others one of their own, sometimes empty.
    blocklist: shipped ? undefined : some(random.below(4)),
    allowReserved: documentation.length > 0 && random.below(2) === 0 ? documentation : [],
  };
  return { scopeCase, region, family };
}

/** Boundaries of every range the case names (first−1, first, last, last+1), then random addresses of the region. */
function probesOf(random: Random, scopeCase: Case, region: Range, family: 4 | 6): bigint[] {
  const max = (1n << BigInt(width(family))) - 1n;
  const probes: bigint[] = [];
  for (const cidr of [...scopeCase.requested, ...scopeCase.excluded, ...scopeCase.optOuts, ...(scopeCase.blocklist ?? [])]) {
    const { range } = parseCidrPlain(cidr);
    for (const value of [range.first - 1n, range.first, range.last, range.last + 1n]) if (value >= 0n && value <= max) probes.push(value);
  }
  const regionBits = (region.last - region.first + 1n).toString(2).length - 1;
  while (probes.length < probesPerScope) probes.push(region.first + random.bits(regionBits));
  return probes.slice(0, probesPerScope);
}

/**
 * Other texts the kernel or a resolver would read as an address, with the addresses they can
 * denote. An IPv4 address embedded in IPv6 (IPv4-compatible ::a.b.c.d, the NAT64 prefix
 * 64:ff9b::/96) reaches the IPv4 host only through a translator or an old stack: the shipped
 * blocklist is what keeps those out, so they are checked where it applies.
 */
function otherTexts(family: 4 | 6, value: bigint, shippedBlocklist: boolean): Array<{ text: string; denotes: Array<{ family: 4 | 6; value: bigint }> }> {
  if (family === 6) {
    return [
      { text: ipv6Expanded(value), denotes: [{ family: 6, value }] },
      { text: ipv6Canonical(value).toUpperCase(), denotes: [{ family: 6, value }] },
    ];
  }
  const octets = ipv4Text(value).split('.');
  const mapped = { text: `::ffff:${ipv4Text(value)}`, denotes: [{ family: 4 as const, value }] };
  // "010.1.2.3": decimal 10.1.2.3 to some readers, octal 8.1.2.3 to inet_aton.
  const padded = `0${octets[0]}.${octets.slice(1).join('.')}`;
  const octal = /^[0-7]+$/.test(octets[0]!) ? Number.parseInt(octets[0]!, 8) : Number(octets[0]);
  const octalValue = (BigInt(octal) << 24n) | (value & 0xffffffn);
  const embedded = shippedBlocklist
    ? [
        { text: `::${ipv4Text(value)}`, denotes: [{ family: 4 as const, value }] },
        { text: `64:ff9b::${ipv4Text(value)}`, denotes: [{ family: 4 as const, value }] },
      ]
    : [];
  return [mapped, ...embedded, { text: padded, denotes: [{ family: 4, value }, ...(octal <= 255 ? [{ family: 4 as const, value: octalValue }] : [])] }];
}

function buildCaseScope(scopeCase: Case, shippedBlocklist: AddressSpace): Scope | undefined {
  try {
    return buildScope({
      allow: scopeCase.requested,
      exclude: scopeCase.excluded,
      optOuts: scopeCase.optOuts,
      blocklist: scopeCase.blocklist === undefined ? shippedBlocklist : AddressSpace.fromCidrs(scopeCase.blocklist),
      allowReserved: scopeCase.allowReserved,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'SCOPE_EMPTY') return undefined;
    throw error;
  }
}

test('a million scope, opt-out and blocklist cases: the dialer admits exactly what the plain oracle allows, in any spelling of the address', async () => {
  const random = randomSource(20261207);
  const shippedCidrs = readDefaultBlocklist().map((entry) => entry.cidr);
  const shippedBlocklist = AddressSpace.fromCidrs(shippedCidrs);
  assert.ok(!exemptableReserved.isEmpty);
  const figures = { scopes: 0, emptyScopes: 0, cases: 0, admitted: 0, refused: 0, otherSpellings: 0, dialerCases: 0 };
  const mismatches: string[] = [];
  const report = (text: string) => {
    if (mismatches.length < 10) mismatches.push(text);
  };
  for (let index = 0; figures.cases < casesWanted; index++) {
    const { scopeCase, region, family } = generateCase(random, index);
    const allowed = oracleFor(scopeCase, shippedCidrs);
    const probes = probesOf(random, scopeCase, region, family);
    figures.scopes++;
    const scope = buildCaseScope(scopeCase, shippedBlocklist);
    if (!scope) {
      figures.emptyScopes++;
      for (const value of probes) if (allowed(family, value)) report(`SCOPE_EMPTY but ${textOf(family, value)} is allowed in ${JSON.stringify(scopeCase)}`);
      continue;
    }
    const gate = createDialGate({ scope, rate });
    const admits = (text: string) => {
      try {
        gate.check({ ip: text, port: 80 });
        return true;
      } catch {
        return false;
      }
    };
    for (const value of probes) {
      figures.cases++;
      const text = textOf(family, value);
      const expected = allowed(family, value);
      const admitted = admits(text);
      if (admitted) figures.admitted++;
      else figures.refused++;
      if (admitted !== expected) report(`${text}: admitted ${admitted}, oracle ${expected} in ${JSON.stringify(scopeCase)}`);
      for (const other of otherTexts(family, value, scopeCase.blocklist === undefined)) {
        figures.otherSpellings++;
        if (admits(other.text) && !other.denotes.every((meaning) => allowed(meaning.family, meaning.value)))
          report(`${other.text} admitted, but it can reach a forbidden address (${JSON.stringify(scopeCase)})`);
      }
    }
    if (index % fullDialerEvery === 0) {
      figures.dialerCases++;
      const reached = await dialEveryProbe(
        scope,
        probes.map((value) => textOf(family, value)),
      );
      for (const text of reached)
        if (!allowed(family, family === 4 ? parseCidrPlain(`${text}/32`).range.first : parseCidrPlain(`${text}/128`).range.first))
          report(`the dialer opened a socket to ${text}`);
    }
  }
  console.log(
    `scope property: ${figures.cases.toLocaleString('en')} cases over ${figures.scopes.toLocaleString('en')} scopes (${figures.emptyScopes} empty), ${figures.admitted.toLocaleString('en')} admitted, ${figures.refused.toLocaleString('en')} refused, ${figures.otherSpellings.toLocaleString('en')} other spellings, ${figures.dialerCases} scopes through the whole dialer`,
  );
  assert.deepEqual(mismatches, []);
  assert.ok(figures.cases >= casesWanted);
  assert.ok(figures.admitted > 100_000 && figures.refused > 100_000, 'both outcomes are exercised');
  assert.ok(figures.dialerCases > 50);
});

/** Every transport of a real dialer against the probes, with socket factories that record and refuse: which addresses reached a factory. */
async function dialEveryProbe(scope: Scope, texts: readonly string[]): Promise<Set<string>> {
  const reached = new Set<string>();
  const dialer = createDialer({
    scope,
    rate,
    connect: (options) => {
      reached.add(String((options as { host?: string }).host));
      throw new Error('recorded, not connected');
    },
    createDatagramSocket: () => {
      throw new Error('unreachable: every query below is refused or recorded by the TCP factory first');
    },
  });
  try {
    for (const ip of texts) {
      await dialer.dial({ ip, port: 80 }).catch(() => undefined);
      await dialer.dialTls({ ip, port: 443 }).catch(() => undefined);
      await dialer
        .query({ ip, port: 161 }, Buffer.from('x'))
        .then(() => reached.add(ip))
        .catch((error: { status?: string }) => {
          // Only a refused target throws before a socket; anything else means a socket was asked for.
          if (error.status !== 'blocked-target') reached.add(ip);
        });
    }
  } finally {
    await dialer.close();
  }
  return reached;
}
