// Attribution benchmark: `npm run bench -- attribution [lookups]` (default 1,000,000, at most
// 10,000,000). Loads the full @ip-location-db/asn IPv4 table into opennotice's prefix table,
// writes an MMDB from the very same ranges, opens it with the `maxmind` npm reader, checks
// that both give the same AS for a sample, then times the same random addresses through both.
// Prints lookups/s, the ratio and memory. Bounded: the address count is capped.
// `--small`: the same full table, 20,000 addresses.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import maxmind, { type AsnResponse } from 'maxmind';
import { createRandom } from '../src/core/random.ts';
import { formatIPv4, parseIPv4 } from '../src/attribution/address.ts';
import { ipLocationDbAsnFiles, ipLocationDbNotice, loadPrefixTable, loadRoutingData } from '../src/attribution/load-routing-data.ts';
import { flattenRanges, numberArithmetic } from '../src/attribution/flatten-ranges.ts';
import { writeMmdb, type MmdbRange } from '../src/attribution/mmdb-writer.ts';
import { createPrefixTableBuilder, type PrefixTableBuilder, type RouteInfo } from '../src/attribution/prefix-table.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget } from './_target.ts';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** A full collection when the flag can be turned on, so memory deltas mean something. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => gc?.();
}

function memory(gc: () => void): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

interface Contender {
  label: string;
  work: () => number;
}

const rounds = 5;
/** Small mode still loads the whole table (that is the work being compared) but looks up few addresses. */
const smallLookups = 20_000;

/**
 * Time every contender once per round, rounds interleaved, after one warm-up pass each: the
 * machine is shared, so each round's ratios compare runs made under the same conditions.
 * Returns per contender its median lookups/s and its median ratio to the first contender.
 */
function race(count: number, contenders: Contender[]): Array<{ label: string; perSecond: number; ratio: number }> {
  const checksum = contenders[0]!.work();
  for (const contender of contenders.slice(1)) if (contender.work() !== checksum) throw new Error(`${contender.label}: a different answer`);
  const rates = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    contenders.forEach((contender, index) => {
      const started = performance.now();
      if (contender.work() !== checksum) throw new Error(`${contender.label}: a different answer`);
      rates[index]!.push(count / ((performance.now() - started) / 1000));
    });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return contenders.map((contender, index) => ({
    label: contender.label,
    perSecond: median(rates[index]!),
    ratio: median(rates[index]!.map((value, round) => value / rates[0]![round]!)),
  }));
}

/** A builder that also keeps every IPv4 range and its route, to write the MMDB from the same rows. */
function recordingBuilder(inner: PrefixTableBuilder, ranges: Array<{ first: number; last: number; route: RouteInfo }>): PrefixTableBuilder {
  return {
    ...inner,
    addIPv4Range(first, last, route) {
      ranges.push({ first, last, route });
      inner.addIPv4Range(first, last, route);
    },
    get size() {
      return inner.size;
    },
    build: () => inner.build(),
  };
}

/**
 * Prefix table against the maxmind reader; ends with `target: attribution_text_vs_maxmind`
 * (text in on both sides: the median ratio of lookupIPv4(parseIPv4(text)) to reader.get(text)).
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const lookups = options.small ? smallLookups : Math.min(Math.max(Number(options.args[0] ?? 1_000_000) || 1_000_000, 1000), 10_000_000);
  const gc = collector();
  const file = ipLocationDbAsnFiles().ipv4;
  process.stdout.write(`${ipLocationDbNotice}\n`);

  const before = memory(gc);
  let started = performance.now();
  const { table, reports } = await loadPrefixTable([{ file, format: 'ip-location-db' }]);
  const loadSeconds = (performance.now() - started) / 1000;
  const tableBytes = memory(gc) - before;
  process.stdout.write(
    `opennotice table: ${reports[0]!.ranges} ranges → ${table.stats.ipv4Segments} segments, loaded in ${loadSeconds.toFixed(2)} s; memory ${mib(tableBytes)} (heap + typed arrays after GC), of which lookup index ${mib(table.stats.indexBytes)}\n`,
  );

  // Read the same rows once more, keeping them, to write the MMDB (the throwaway builder is never built).
  const ranges: Array<{ first: number; last: number; route: RouteInfo }> = [];
  await loadRoutingData(recordingBuilder(createPrefixTableBuilder(), ranges), file, 'ip-location-db');
  // The same rows as the MMDB's ranges. The package has one overlapping pair (214.95.0.0–
  // 215.0.255.255 and 215.0.0.0–215.1.3.255), which a search tree cannot hold as such: both
  // sides get it resolved by the table's own rule (narrowest wins), via the same flattening.
  const flat = flattenRanges(
    ranges.map((range, index) => ({ first: range.first, last: range.last, value: index, order: index })),
    numberArithmetic,
  );
  const mmdbRanges: MmdbRange[] = [];
  flat.starts.forEach((start, index) => {
    const value = flat.values[index]!;
    if (value < 0) return;
    const route = ranges[value]!.route;
    const last = index + 1 < flat.starts.length ? flat.starts[index + 1]! - 1 : 0xffffffff;
    mmdbRanges.push({
      first: start,
      last,
      record: { autonomous_system_number: route.asn, ...(route.asName ? { autonomous_system_organization: route.asName } : {}) },
    });
  });
  started = performance.now();
  const mmdb = writeMmdb(mmdbRanges, {
    ipVersion: 4,
    databaseType: 'opennotice-ip-location-db-asn',
    description: 'built by opennotice from @ip-location-db/asn (CC BY 4.0)',
  });
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-attribution-'));
  try {
    const mmdbFile = join(directory, 'asn-ipv4.mmdb');
    writeFileSync(mmdbFile, mmdb);
    const reader = await maxmind.open<AsnResponse>(mmdbFile);
    process.stdout.write(
      `mmdb: ${mib(statSync(mmdbFile).size)}, ${reader.metadata.nodeCount} nodes, ${reader.metadata.recordSize}-bit records, written in ${((performance.now() - started) / 1000).toFixed(2)} s; the maxmind reader holds the whole file in memory plus an LRU of up to 10,000 decoded records\n`,
    );

    const random = createRandom(20250101);
    const addresses = new Uint32Array(lookups);
    for (let index = 0; index < lookups; index++) addresses[index] = random.int(0, 0xffff) * 65536 + random.int(0, 0xffff);
    // Through JSON, as addresses arrive from files and the store: flat strings, not concatenations.
    const texts: string[] = JSON.parse(JSON.stringify(Array.from(addresses, formatIPv4)));

    const sample = Math.min(lookups, 200_000);
    let disagreements = 0;
    let found = 0;
    for (let index = 0; index < sample; index++) {
      const ours = table.lookupIPv4(addresses[index]!)?.asn;
      const theirs = reader.get(texts[index]!)?.autonomous_system_number;
      if (ours !== theirs) disagreements++;
      if (ours !== undefined) found++;
    }
    process.stdout.write(`verified on ${sample} addresses: ${sample - disagreements} agree, ${disagreements} disagree (${found} routed)\n`);
    if (disagreements > 0) throw new Error('the two lookups disagree: figures would compare different data');

    // One loop per contender, written out: a shared loop calling a callback would be one
    // polymorphic call site, and the cheapest contender would pay most for it.
    const results = race(lookups, [
      {
        label: 'maxmind reader .get(text) (default LRU cache)',
        work() {
          let sum = 0;
          for (let index = 0; index < lookups; index++) sum += reader.get(texts[index]!)?.autonomous_system_number ?? 0;
          return sum;
        },
      },
      {
        label: 'opennotice lookupIPv4(parseIPv4(text))  [text in]',
        work() {
          let sum = 0;
          for (let index = 0; index < lookups; index++) sum += table.lookupIPv4(parseIPv4(texts[index]!)!)?.asn ?? 0;
          return sum;
        },
      },
      {
        label: 'opennotice lookupIPv4(uint32)           [bulk path]',
        work() {
          let sum = 0;
          for (let index = 0; index < lookups; index++) sum += table.lookupIPv4(addresses[index]!)?.asn ?? 0;
          return sum;
        },
      },
      {
        label: 'opennotice lookup(text) + CIDR of the match',
        work() {
          let sum = 0;
          for (let index = 0; index < lookups; index++) sum += table.lookup(texts[index]!)?.route.asn ?? 0;
          return sum;
        },
      },
    ]);
    process.stdout.write(`${lookups} random IPv4 addresses; one warm-up pass each, then ${rounds} interleaved rounds; medians:\n`);
    for (const result of results) {
      process.stdout.write(`${result.label.padEnd(52)} ${(result.perSecond / 1e6).toFixed(2).padStart(7)} M lookups/s  ×${result.ratio.toFixed(1)}\n`);
    }
    // The second contender: text in, the same work as the reader's .get(text).
    printTarget('attribution_text_vs_maxmind', results[1]!.ratio);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
