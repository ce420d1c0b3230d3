/**
 * Vulnerability matching at national scale: `npm run bench -- firmware [cves] [devices]`.
 *
 * 1. Generates a feed of CVEs (default 200,000) in the NVD CVE API 2.0 shape, as the API
 *    pages it (2,000 per page), into a temporary directory: 60 vendors × 400 products,
 *    about half firmware-AND-hardware configurations (hardware `vulnerable: false`), the
 *    rest firmware/application lists; version ranges and exact versions mixed.
 * 2. Load time: read + JSON.parse + parseNvdFeed (feeds/nvd.ts) + compile and index
 *    (createVulnerabilityMatcher), with memory before and after.
 * 3. Matches devices (default 100,000; 90 % of a product in the feed, 10 % unknown) with
 *    the indexed matcher, then a time-boxed sample with the naive baseline (every device
 *    against every configuration, same compiled code, no index) and prints both rates.
 * Bounded: counts are capped and the naive run stops after 200 devices or 30 s.
 * `--small`: 2,000 CVEs, 2,000 devices, the naive run stops after 200 devices or 3 s.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNvdFeed } from '../src/assess/firmware/feeds/nvd.ts';
import { createNaiveMatcher, createVulnerabilityMatcher } from '../src/assess/firmware/matcher.ts';
import { platformOf } from '../src/assess/firmware/platform.ts';
import type { DevicePlatform, VulnerabilityRecord } from '../src/assess/firmware/types.ts';
import { createRandom, type Random } from '../src/core/random.ts';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget } from './_target.ts';

const vendorCount = 60;
const productsPerVendor = 400;
const pageSize = 2000;

/** How much work one run does. */
interface FirmwareSizes {
  cves: number;
  devices: number;
  /** The naive baseline stops after this many devices … */
  naiveDeviceLimit: number;
  /** … or after this long, whichever comes first. */
  naiveSecondsLimit: number;
}

const smallSizes: FirmwareSizes = { cves: 2000, devices: 2000, naiveDeviceLimit: 200, naiveSecondsLimit: 3 };

/** Full mode: the sizes from the command line, capped so a typo cannot run for hours. */
function fullSizes(args: readonly string[]): FirmwareSizes {
  return {
    cves: Math.min(Math.max(Number(args[0] ?? 200_000) || 200_000, 1000), 500_000),
    devices: Math.min(Math.max(Number(args[1] ?? 100_000) || 100_000, 1000), 1_000_000),
    naiveDeviceLimit: 200,
    naiveSecondsLimit: 30,
  };
}

const vendorName = (vendor: number) => `vendor${vendor}`;
const modelName = (product: number) => `M${product}-X`;
const version = (random: Random) => `${random.int(1, 4)}.${random.int(0, 19)}.${random.int(0, 9)}`;

/** One NVD API 2.0 `cve` object. */
function generateCve(index: number, random: Random): object {
  const vendor = vendorName(random.int(0, vendorCount - 1));
  const productCount = random.int(1, 3);
  const firstProduct = random.int(0, productsPerVendor - 1);
  const shape = random.next();
  const configurations = [];
  for (let offset = 0; offset < productCount; offset++) {
    const product = modelName((firstProduct + offset * 7) % productsPerVendor).toLowerCase();
    const range = random.chance(0.6)
      ? { versionEndExcluding: version(random) }
      : random.chance(0.5)
        ? { versionStartIncluding: '1.0.0', versionEndIncluding: version(random) }
        : undefined;
    const firmware = range
      ? [{ vulnerable: true, criteria: `cpe:2.3:o:${vendor}:${product}_firmware:*:*:*:*:*:*:*:*`, ...range, matchCriteriaId: `F${index}-${offset}` }]
      : Array.from({ length: random.int(1, 4) }, (_, n) => ({
          vulnerable: true,
          criteria: `cpe:2.3:o:${vendor}:${product}_firmware:${version(random)}:*:*:*:*:*:*:*`,
          matchCriteriaId: `F${index}-${offset}-${n}`,
        }));
    if (shape < 0.5) {
      configurations.push({
        operator: 'AND',
        nodes: [
          { operator: 'OR', negate: false, cpeMatch: firmware },
          {
            operator: 'OR',
            negate: false,
            cpeMatch: [{ vulnerable: false, criteria: `cpe:2.3:h:${vendor}:${product}:-:*:*:*:*:*:*:*`, matchCriteriaId: `H${index}-${offset}` }],
          },
        ],
      });
    } else {
      configurations.push({ nodes: [{ operator: 'OR', negate: false, cpeMatch: firmware }] });
    }
  }
  const score = Math.round(random.next() * 100) / 10;
  return {
    id: `CVE-${2000 + (index % 25)}-${String(100000 + index)}`,
    sourceIdentifier: 'cve@mitre.org',
    published: '2024-01-01T00:00:00.000',
    lastModified: '2024-02-01T00:00:00.000',
    vulnStatus: 'Analyzed',
    descriptions: [{ lang: 'en', value: `Generated vulnerability ${index} in ${vendor} firmware.` }],
    metrics: {
      cvssMetricV31: [
        {
          source: 'nvd@nist.gov',
          type: 'Primary',
          cvssData: {
            version: '3.1',
            vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
            baseScore: score,
            baseSeverity: score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : score > 0 ? 'LOW' : 'NONE',
          },
        },
      ],
    },
    configurations,
    references: [{ url: `https://example.invalid/advisory/${index}`, source: 'cve@mitre.org' }],
  };
}

/** Writes the feed as NVD API pages; returns the bytes written. */
function writeFeed(directory: string, cveCount: number): number {
  const random = createRandom(42);
  let bytes = 0;
  for (let start = 0; start < cveCount; start += pageSize) {
    const vulnerabilities = [];
    for (let index = start; index < Math.min(cveCount, start + pageSize); index++) vulnerabilities.push({ cve: generateCve(index, random) });
    const page = JSON.stringify({
      resultsPerPage: vulnerabilities.length,
      startIndex: start,
      totalResults: cveCount,
      format: 'NVD_CVE',
      version: '2.0',
      timestamp: '2024-02-01T00:00:00.000',
      vulnerabilities,
    });
    writeFileSync(join(directory, `page-${String(start / pageSize).padStart(4, '0')}.json`), page);
    bytes += page.length;
  }
  return bytes;
}

function generateDevices(count: number): DevicePlatform[] {
  const random = createRandom(7);
  return Array.from({ length: count }, () => {
    const known = random.chance(0.9);
    const vendor = vendorName(random.int(0, vendorCount - 1));
    const model = known ? modelName(random.int(0, productsPerVendor - 1)) : `Unknown-${random.int(0, 999)}`;
    return platformOf({ vendor, model, firmwareVersion: random.chance(0.9) ? version(random) : undefined, deviceType: 'router', confidence: 1, evidence: [] });
  });
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const memory = () => {
  const usage = process.memoryUsage();
  return `rss ${megabytes(usage.rss)}, heap used ${megabytes(usage.heapUsed)}`;
};
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Reads every page of the feed through the real importer. */
function loadFeed(directory: string): { records: VulnerabilityRecord[]; skipped: number } {
  const records: VulnerabilityRecord[] = [];
  let skipped = 0;
  for (const file of readdirSync(directory).sort()) {
    const feed = parseNvdFeed(JSON.parse(readFileSync(join(directory, file), 'utf8')), file);
    for (const record of feed.records) records.push(record);
    skipped += feed.skipped.length;
  }
  return { records, skipped };
}

/**
 * Indexed matcher against the naive baseline; ends with `target: firmware_vs_naive`.
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const sizes = options.small ? smallSizes : fullSizes(options.args);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-firmware-'));
  try {
    const generated = process.hrtime.bigint();
    const bytes = writeFeed(directory, sizes.cves);
    console.log(
      `feed: ${sizes.cves.toLocaleString('en')} CVEs in ${Math.ceil(sizes.cves / pageSize)} NVD API 2.0 pages, ${megabytes(bytes)} of JSON (generated in ${seconds(generated).toFixed(1)} s)`,
    );
    const devices = generateDevices(sizes.devices);

    globalThis.gc?.();
    console.log(`memory before load: ${memory()}`);
    const loadStart = process.hrtime.bigint();
    const { records, skipped } = loadFeed(directory);
    const parsedSeconds = seconds(loadStart);
    const matcher = createVulnerabilityMatcher(records);
    const loadSeconds = seconds(loadStart);
    globalThis.gc?.();
    console.log(
      `load: ${records.length.toLocaleString('en')} records (${skipped} skipped) in ${loadSeconds.toFixed(2)} s (read + parse + convert ${parsedSeconds.toFixed(2)} s, compile + index ${(loadSeconds - parsedSeconds).toFixed(2)} s)`,
    );
    console.log(`memory after load: ${memory()}`);

    let affected = 0;
    let unknown = 0;
    const matchStart = process.hrtime.bigint();
    for (const device of devices) {
      for (const result of matcher.match(device)) {
        if (result.state === 'affected') affected++;
        else unknown++;
      }
    }
    const indexedSeconds = seconds(matchStart);
    const indexedRate = sizes.devices / indexedSeconds;
    console.log(
      `indexed: ${sizes.devices.toLocaleString('en')} devices in ${indexedSeconds.toFixed(2)} s = ${Math.round(indexedRate).toLocaleString('en')} devices/s (${affected.toLocaleString('en')} affected, ${unknown.toLocaleString('en')} unknown results)`,
    );

    const naive = createNaiveMatcher(records, { aliases: matcher.aliases });
    const naiveStart = process.hrtime.bigint();
    let naiveDevices = 0;
    let disagreements = 0;
    while (naiveDevices < Math.min(sizes.naiveDeviceLimit, sizes.devices) && seconds(naiveStart) < sizes.naiveSecondsLimit) {
      const device = devices[naiveDevices]!;
      const expected = JSON.stringify(naive.match(device));
      if (expected !== JSON.stringify(matcher.match(device))) disagreements++;
      naiveDevices++;
    }
    // The indexed match inside the loop is ~1/1000 of the time; subtract it anyway.
    const naiveSeconds = seconds(naiveStart) - naiveDevices / indexedRate;
    const naiveRate = naiveDevices / naiveSeconds;
    const ratio = indexedRate / naiveRate;
    console.log(
      `naive: ${naiveDevices} devices in ${naiveSeconds.toFixed(2)} s = ${naiveRate.toFixed(1)} devices/s (every device against all ${records.length.toLocaleString('en')} records; ${disagreements} disagreements with the index)`,
    );
    console.log(`ratio: ${Math.round(ratio).toLocaleString('en')}× (target ≥ 100×)`);
    console.log(`memory at end: ${memory()}`);
    printTarget('firmware_vs_naive', ratio);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
