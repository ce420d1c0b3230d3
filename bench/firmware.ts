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
import { createRandom } from '../src/core/random.ts';

const vendorCount = 60;
const productsPerVendor = 400;
const pageSize = 2000;
const naiveDeviceLimit = 200;
const naiveSecondsLimit = 30;

function randomSource(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.next();
}
