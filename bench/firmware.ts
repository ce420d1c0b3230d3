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
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNvdFeed } from '../src/assess/firmware/feeds/nvd.ts';
import { createNaiveMatcher, createVulnerabilityMatcher } from '../src/assess/firmware/matcher.ts';
import { platformOf } from '../src/assess/firmware/platform.ts';
import type { DevicePlatform, VulnerabilityRecord } from '../src/assess/firmware/types.ts';

const vendorCount = 60;
const productsPerVendor = 400;
const pageSize = 2000;
const naiveDeviceLimit = 200;
const naiveSecondsLimit = 30;

/** Deterministic pseudo-random numbers (mulberry32). */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const vendorName = (vendor: number) => `vendor${vendor}`;
const modelName = (product: number) => `M${product}-X`;
const version = (random: () => number) => `${1 + Math.floor(random() * 4)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`;

/** One NVD API 2.0 `cve` object. */
function generateCve(index: number, random: () => number): object {
  const vendor = vendorName(Math.floor(random() * vendorCount));
  const productCount = 1 + Math.floor(random() * 3);
  const firstProduct = Math.floor(random() * productsPerVendor);
  const shape = random();
  const configurations = [];
  for (let offset = 0; offset < productCount; offset++) {
    const product = modelName((firstProduct + offset * 7) % productsPerVendor).toLowerCase();
    const range = random() < 0.6 ? { versionEndExcluding: version(random) } : random() < 0.5 ? { versionStartIncluding: '1.0.0', versionEndIncluding: version(random) } : undefined;
    const firmware = range
      ? [{ vulnerable: true, criteria: `cpe:2.3:o:${vendor}:${product}_firmware:*:*:*:*:*:*:*:*`, ...range, matchCriteriaId: `F${index}-${offset}` }]
      : Array.from({ length: 1 + Math.floor(random() * 4) }, (_, n) => ({ vulnerable: true, criteria: `cpe:2.3:o:${vendor}:${product}_firmware:${version(random)}:*:*:*:*:*:*:*`, matchCriteriaId: `F${index}-${offset}-${n}` }));
    if (shape < 0.5) {
      configurations.push({ operator: 'AND', nodes: [
        { operator: 'OR', negate: false, cpeMatch: firmware },
        { operator: 'OR', negate: false, cpeMatch: [{ vulnerable: false, criteria: `cpe:2.3:h:${vendor}:${product}:-:*:*:*:*:*:*:*`, matchCriteriaId: `H${index}-${offset}` }] },
      ] });
    } else {
      configurations.push({ nodes: [{ operator: 'OR', negate: false, cpeMatch: firmware }] });
    }
  }
  const score = Math.round(random() * 100) / 10;
  return {
    id: `CVE-${2000 + (index % 25)}-${String(100000 + index)}`,
    sourceIdentifier: 'cve@mitre.org',
    published: '2024-01-01T00:00:00.000',
    lastModified: '2024-02-01T00:00:00.000',
    vulnStatus: 'Analyzed',
    descriptions: [{ lang: 'en', value: `Generated vulnerability ${index} in ${vendor} firmware.` }],
    metrics: { cvssMetricV31: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: score, baseSeverity: score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : score > 0 ? 'LOW' : 'NONE' } }] },
    configurations,
    references: [{ url: `https://example.invalid/advisory/${index}`, source: 'cve@mitre.org' }],
  };
}

function writeFeed(directory: string, cveCount: number): number {
  const random = randomSource(42);
  let bytes = 0;
  for (let start = 0; start < cveCount; start += pageSize) {
    const vulnerabilities = [];
    for (let index = start; index < Math.min(cveCount, start + pageSize); index++) vulnerabilities.push({ cve: generateCve(index, random) });
    const page = JSON.stringify({ resultsPerPage: vulnerabilities.length, startIndex: start, totalResults: cveCount, format: 'NVD_CVE', version: '2.0', timestamp: '2024-02-01T00:00:00.000', vulnerabilities });
    writeFileSync(join(directory, `page-${String(start / pageSize).padStart(4, '0')}.json`), page);
    bytes += page.length;
  }
  return bytes;
}

function generateDevices(count: number): DevicePlatform[] {
  const random = randomSource(7);
  return Array.from({ length: count }, () => {
    const known = random() < 0.9;
    const vendor = vendorName(Math.floor(random() * vendorCount));
    const model = known ? modelName(Math.floor(random() * productsPerVendor)) : `Unknown-${Math.floor(random() * 1000)}`;
    return platformOf({ vendor, model, firmwareVersion: random() < 0.9 ? version(random) : undefined, deviceType: 'router', confidence: 1, evidence: [] });
  });
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const memory = () => {
  const usage = process.memoryUsage();
  return `rss ${megabytes(usage.rss)}, heap used ${megabytes(usage.heapUsed)}`;
};
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

export async function run(args: string[]): Promise<void> {
  const cveCount = Math.min(Math.max(Number(args[0] ?? 200_000) || 200_000, 1000), 500_000);
  const deviceCount = Math.min(Math.max(Number(args[1] ?? 100_000) || 100_000, 1000), 1_000_000);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-firmware-'));
  try {
    const generated = process.hrtime.bigint();
    const bytes = writeFeed(directory, cveCount);
    console.log(`feed: ${cveCount.toLocaleString('en')} CVEs in ${Math.ceil(cveCount / pageSize)} NVD API 2.0 pages, ${megabytes(bytes)} of JSON (generated in ${seconds(generated).toFixed(1)} s)`);
    const devices = generateDevices(deviceCount);

    globalThis.gc?.();
    console.log(`memory before load: ${memory()}`);
    const loadStart = process.hrtime.bigint();
    const records: VulnerabilityRecord[] = [];
    let skipped = 0;
    for (const file of readdirSync(directory).sort()) {
      const feed = parseNvdFeed(JSON.parse(readFileSync(join(directory, file), 'utf8')), file);
      for (const record of feed.records) records.push(record);
      skipped += feed.skipped.length;
    }
    const parsedSeconds = seconds(loadStart);
    const matcher = createVulnerabilityMatcher(records);
    const loadSeconds = seconds(loadStart);
    globalThis.gc?.();
    console.log(`load: ${records.length.toLocaleString('en')} records (${skipped} skipped) in ${loadSeconds.toFixed(2)} s (read + parse + convert ${parsedSeconds.toFixed(2)} s, compile + index ${(loadSeconds - parsedSeconds).toFixed(2)} s)`);
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
    const indexedRate = deviceCount / indexedSeconds;
    console.log(`indexed: ${deviceCount.toLocaleString('en')} devices in ${indexedSeconds.toFixed(2)} s = ${Math.round(indexedRate).toLocaleString('en')} devices/s (${affected.toLocaleString('en')} affected, ${unknown.toLocaleString('en')} unknown results)`);

    const naive = createNaiveMatcher(records, { aliases: matcher.aliases });
    const naiveStart = process.hrtime.bigint();
    let naiveDevices = 0;
    let disagreements = 0;
    while (naiveDevices < Math.min(naiveDeviceLimit, deviceCount) && seconds(naiveStart) < naiveSecondsLimit) {
      const device = devices[naiveDevices];
      const expected = JSON.stringify(naive.match(device));
      if (expected !== JSON.stringify(matcher.match(device))) disagreements++;
      naiveDevices++;
    }
    // the indexed match inside the loop is ~1/1000 of the time; subtract it anyway
    const naiveSeconds = seconds(naiveStart) - naiveDevices / indexedRate;
    const naiveRate = naiveDevices / naiveSeconds;
    console.log(`naive: ${naiveDevices} devices in ${naiveSeconds.toFixed(2)} s = ${naiveRate.toFixed(1)} devices/s (every device against all ${records.length.toLocaleString('en')} records; ${disagreements} disagreements with the index)`);
    console.log(`ratio: ${Math.round(indexedRate / naiveRate).toLocaleString('en')}× (target ≥ 100×)`);
    console.log(`memory at end: ${memory()}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
