import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { OpenNoticeError } from '../core/errors.ts';
import { createIdentifier } from '../identify/engine.ts';
import { formatCpe, parseCpe } from '../identify/cpe.ts';
import { loadRuleFiles } from '../identify/rule-loader.ts';
import { surveyRuleFiles } from '../cli/survey-deps.ts';
import { observeDevice } from '../../test/support/lab/observe-device.ts';
import { defaultLabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { truthOf } from './truth.ts';
import { syntheticCves, targetReleases } from './vuln-catalogue.ts';
import { syntheticFeed, writeSyntheticFeed } from './vuln-feed.ts';
import { simpleVersionOrder } from '../../test/support/lab/simple-version-order.ts';

interface CpeMatchText {
  vulnerable: boolean;
  criteria: string;
  matchCriteriaId: string;
  versionStartIncluding?: string;
  versionEndExcluding?: string;
  versionEndIncluding?: string;
}
interface NodeText {
  operator: string;
  negate: boolean;
  cpeMatch: CpeMatchText[];
}
interface CveText {
  id: string;
  published: string;
  lastModified: string;
  vulnStatus: string;
  descriptions: Array<{ lang: string; value: string }>;
  metrics: {
    cvssMetricV31: Array<{ source: string; type: string; cvssData: { version: string; vectorString: string; baseScore: number; baseSeverity: string } }>;
  };
  configurations: Array<{ operator?: string; nodes: NodeText[] }>;
  references: Array<{ url: string }>;
}

const feed = syntheticFeed();
const cves = feed.vulnerabilities.map((entry) => entry.cve as unknown as CveText);
const allMatches = cves.flatMap((cve) => cve.configurations.flatMap((configuration) => configuration.nodes.flatMap((node) => node.cpeMatch)));

test('the feed has the NVD CVE API 2.0 envelope and 15–30 CVE-2099 records', () => {
  assert.deepEqual(Object.keys(feed).sort(), ['format', 'resultsPerPage', 'startIndex', 'timestamp', 'totalResults', 'version', 'vulnerabilities']);
  assert.equal(feed.format, 'NVD_CVE');
  assert.equal(feed.version, '2.0');
  assert.equal(feed.startIndex, 0);
  assert.equal(feed.totalResults, cves.length);
  assert.equal(feed.resultsPerPage, cves.length);
  assert.match(feed.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
  assert.ok(cves.length >= 15 && cves.length <= 30, `${cves.length} CVEs`);
  assert.equal(new Set(cves.map((cve) => cve.id)).size, cves.length, 'ids are unique');
  const severityOf = (score: number) => (score >= 9 ? 'CRITICAL' : score >= 7 ? 'HIGH' : score >= 4 ? 'MEDIUM' : score > 0 ? 'LOW' : 'NONE');
  for (const cve of cves) {
    assert.match(cve.id, /^CVE-2099-\d{4}$/);
    assert.match(cve.published, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    assert.ok(cve.lastModified >= cve.published);
    assert.equal(cve.vulnStatus, 'Analyzed');
    assert.ok(cve.descriptions.some((description) => description.lang === 'en' && description.value.startsWith('SYNTHETIC')));
    const [metric] = cve.metrics.cvssMetricV31;
    assert.ok(metric && metric.type === 'Primary' && metric.source.length > 0);
    assert.equal(metric.cvssData.version, '3.1');
    assert.match(metric.cvssData.vectorString, /^CVSS:3\.1\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH]$/);
    assert.equal(metric.cvssData.baseSeverity, severityOf(metric.cvssData.baseScore));
    assert.ok(cve.references.length > 0 && cve.references.every((reference) => reference.url.startsWith('https://')));
    assert.ok(cve.configurations.length > 0);
    for (const configuration of cve.configurations) {
      for (const node of configuration.nodes) {
        assert.ok(node.operator === 'OR' || node.operator === 'AND');
        assert.equal(typeof node.negate, 'boolean');
        assert.ok(node.cpeMatch.length > 0);
      }
      if (configuration.nodes.length > 1) assert.equal(configuration.operator, 'AND');
    }
  }
});

test('every criteria is a valid CPE 2.3 formatted string that round-trips, with a UUID-shaped matchCriteriaId', () => {
  for (const match of allMatches) {
    const name = parseCpe(match.criteria);
    assert.ok(name, match.criteria);
    assert.equal(formatCpe(name), match.criteria);
    assert.ok(name.part === 'o' || name.part === 'h');
    assert.equal(match.vulnerable, name.part === 'o', `${match.criteria}: firmware is vulnerable, hardware only a platform`);
    assert.match(match.matchCriteriaId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  }
});

test('the feed uses every configuration shape the matcher must evaluate', () => {
  assert.ok(
    allMatches.some((match) => match.versionStartIncluding && match.versionEndExcluding),
    'a start+end window',
  );
  assert.ok(
    allMatches.some((match) => match.versionEndIncluding && !match.versionStartIncluding),
    'versionEndIncluding',
  );
  assert.ok(
    allMatches.some((match) => match.versionEndExcluding && !match.versionStartIncluding),
    'versionEndExcluding',
  );
  assert.ok(
    allMatches.some((match) => parseCpe(match.criteria)!.version !== '*' && parseCpe(match.criteria)!.part === 'o'),
    'an exact version',
  );
  const nodes = cves.flatMap((cve) => cve.configurations.flatMap((configuration) => configuration.nodes));
  assert.ok(
    nodes.some((node) => node.negate),
    'a negated node',
  );
  assert.ok(
    cves.some((cve) =>
      cve.configurations.some(
        (configuration) =>
          configuration.operator === 'AND' &&
          configuration.nodes.some((node) => node.cpeMatch.every((match) => !match.vulnerable && match.criteria.startsWith('cpe:2.3:h:'))),
      ),
    ),
    'firmware AND hardware',
  );
  assert.ok(
    cves.some((cve) => new Set(allMatchesOf(cve).map((match) => parseCpe(match.criteria)!.product)).size > 1),
    'one CVE over several models',
  );
});

const allMatchesOf = (cve: CveText) => cve.configurations.flatMap((configuration) => configuration.nodes.flatMap((node) => node.cpeMatch));

test('CPE names are the ones identification builds from the products of rules/fictional-vendors.yaml', () => {
  const products = (
    parse(readFileSync(fileURLToPath(new URL('./rules/fictional-vendors.yaml', import.meta.url)), 'utf8')) as {
      products: Array<{ cpeVendor: string; cpeProduct: string }>;
    }
  ).products;
  const firmware = new Set(products.map((product) => `${product.cpeVendor}:${product.cpeProduct}`));
  const hardware = new Set(products.map((product) => `${product.cpeVendor}:${product.cpeProduct.replace(/_firmware$/, '')}`));
  for (const match of allMatches) {
    const name = parseCpe(match.criteria)!;
    assert.ok((name.part === 'o' ? firmware : hardware).has(`${name.vendor}:${name.product}`), match.criteria);
  }
});

test('ranges are written over models whose releases ascend, with bounds at the defined release indexes', () => {
  for (const definition of syntheticCves) {
    for (const target of definition.targets) {
      const versions = targetReleases(definition.vendor, target.model).releases.map((release) => release.version);
      if (definition.style !== 'exact') {
        for (let index = 1; index < versions.length; index++)
          assert.equal(simpleVersionOrder(versions[index - 1]!, versions[index]!), -1, `${target.model} ${versions[index - 1]} < ${versions[index]}`);
      }
      const cve = cves.find((candidate) => candidate.id === definition.id)!;
      const product = `${target.model.toLowerCase()}_firmware`;
      const matches = allMatchesOf(cve).filter((match) => parseCpe(match.criteria)!.product === product && match.vulnerable);
      assert.ok(matches.length > 0, `${definition.id} names ${target.model}`);
      if (definition.style === 'window' && target.from > 0) assert.equal(matches[0]!.versionStartIncluding, versions[target.from]);
      if (definition.style === 'before') assert.equal(matches[0]!.versionEndExcluding, versions[target.to + 1]);
      if (definition.style === 'up-to') assert.equal(matches[0]!.versionEndIncluding, versions[target.to]);
    }
  }
});

test('the default lab: fictional devices affected by synthetic CVEs; identified CPEs equal the exact criteria', () => {
  const devices = generatePopulation(defaultLabOptions);
  const truth = truthOf(devices, defaultLabOptions);
  const fictional = truth.devices.filter((device) => device.identity && !['D-Link', 'DrayTek'].includes(device.identity.vendor));
  const affected = fictional.filter((device) => device.vulnerabilities.length > 0);
  assert.ok(
    affected.length / fictional.length > 0.2 && affected.length / fictional.length < 0.7,
    `${affected.length}/${fictional.length} fictional devices affected`,
  );
  const hit = new Set(affected.flatMap((device) => device.vulnerabilities));
  assert.ok(hit.size >= syntheticCves.length - 2, `${hit.size} synthetic CVEs affect some device`);
  const exactCriteria = new Set(allMatches.filter((match) => match.vulnerable && parseCpe(match.criteria)!.version !== '*').map((match) => match.criteria));
  const identifier = createIdentifier(loadRuleFiles(surveyRuleFiles({ labRules: true }))); // the rules a survey of the lab loads
  let checked = 0;
  for (const device of devices) {
    const truthDevice = truth.devices.find((candidate) => candidate.ip === device.ip)!;
    const exact = syntheticCves.filter((definition) => definition.style === 'exact' && truthDevice.vulnerabilities.includes(definition.id));
    if (exact.length === 0) continue;
    const cpe = identifier.identify(device.ip, observeDevice(device))?.cpe;
    assert.ok(cpe && exactCriteria.has(cpe), `${device.ip} ${device.identity!.model} ${device.identity!.firmwareVersion}: ${cpe}`);
    checked++;
  }
  assert.ok(checked > 10, `${checked} devices checked`);
});

test('the feed is deterministic and writeSyntheticFeed writes it; an unwritable path is LAB_FAILED', () => {
  assert.equal(JSON.stringify(syntheticFeed()), JSON.stringify(feed));
  assert.equal(syntheticFeed({ timestamp: '2030-01-01T00:00:00.000' }).timestamp, '2030-01-01T00:00:00.000');
  const directory = mkdtempSync(join(tmpdir(), 'lab-feed-'));
  try {
    const file = join(directory, 'nested', 'feed.json');
    writeSyntheticFeed(file);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), feed);
    assert.throws(
      () => writeSyntheticFeed(join(file, 'below-a-file.json')),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'LAB_FAILED',
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
