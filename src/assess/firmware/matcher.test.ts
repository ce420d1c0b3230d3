import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNaiveMatcher, createVulnerabilityMatcher, naiveMatch } from './matcher.ts';
import { loadSharedNvdRecords } from '../../../test/support/nvd-records.ts';
import type { DevicePlatform, VulnerabilityRecord } from './types.ts';
import { createRandom } from '../../core/random.ts';

/** Seeded, so failures reproduce. */
function randomSource(seed: number): () => number {
  const random = createRandom(seed);
  return () => random.next();
}

/** Records the shared set lacks: wildcard vendor/product (fallback list) and negation. */
const edgeRecords: VulnerabilityRecord[] = [
  {
    cveId: 'CVE-9999-0001',
    source: 'synthetic',
    description: 'any vendor, product pattern',
    scores: [],
    references: [],
    aliases: [],
    configurations: [
      { nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:*:dir-6*:*:*:*:*:*:*:*:*', versionEndIncluding: '2.0' }] }] },
    ],
  },
  {
    cveId: 'CVE-9999-0002',
    source: 'synthetic',
    description: 'negated hardware',
    scores: [],
    references: [],
    aliases: [],
    configurations: [
      {
        operator: 'AND',
        nodes: [
          { operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:dlink:dir-600_firmware:*:*:*:*:*:*:*:*' }] },
          { operator: 'OR', negate: true, cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:dlink:dir-600:b5:*:*:*:*:*:*:*' }] },
        ],
      },
    ],
  },
];

function criteriaOf(records: readonly VulnerabilityRecord[]) {
  return records.flatMap((record) => record.configurations.flatMap((configuration) => configuration.nodes.flatMap((node) => node.cpeMatch)));
}

/** Platforms built from the records' own products, versions near their bounds, spelling variants. */
function generatePlatforms(records: readonly VulnerabilityRecord[], count: number, seed: number): DevicePlatform[] {
  const random = randomSource(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const criteria = criteriaOf(records).map((match) => ({ match, fields: match.criteria.split(':') }));
  const versions = criteria.flatMap(({ match, fields }) =>
    [fields[5], match.versionEndIncluding, match.versionEndExcluding, match.versionStartIncluding].filter(
      (value): value is string => !!value && value !== '*' && value !== '-',
    ),
  );
  const spell = (vendor: string) =>
    random() < 0.3 ? vendor.replace('dlink', 'd-link').replace('buffalotech', 'buffalo').replace('tp-link', 'tplink') : vendor;
  const nudge = (version: string) => {
    const roll = random();
    if (roll < 0.4) return version;
    if (roll < 0.7) return version.replace(/\d+(?!.*\d)/, (digits) => String(Number(digits) + (random() < 0.5 ? 1 : -1 + (Number(digits) === 0 ? 2 : 0))));
    return pick(versions);
  };
  return Array.from({ length: count }, () => {
    const { fields } = pick(criteria);
    const vendor = spell(fields[3]);
    const product = fields[4].replace(/_firmware$/, '');
    const version = random() < 0.15 ? '*' : nudge(pick(versions));
    const revision = random() < 0.5 ? '*' : pick(['a1', 'b1', 'b2', '-', 'c1']);
    const cpes = [`cpe:2.3:o:${vendor}:${product}_firmware:${version}:*:*:*:*:*:*:*`, `cpe:2.3:h:${vendor}:${product}:${revision}:*:*:*:*:*:*:*`];
    if (random() < 0.2) cpes.push(`cpe:2.3:${fields[2]}:${vendor}:${fields[4]}:${version}:*:*:*:*:*:*:*`);
    return { vendor, cpes };
  });
}

test('indexed matcher equals the naive one on 2,000 generated platforms (real records + edge cases)', () => {
  const records = [...loadSharedNvdRecords(), ...edgeRecords];
  const indexed = createVulnerabilityMatcher(records);
  const naive = createNaiveMatcher(records);
  let withResults = 0;
  const states = new Set<string>();
  for (const platform of generatePlatforms(records, 2000, 7)) {
    const expected = naive.match(platform);
    assert.deepEqual(indexed.match(platform), expected, JSON.stringify(platform));
    if (expected.length > 0) withResults++;
    for (const result of expected) states.add(result.state);
  }
  // the generator must actually exercise matches, or the equality above proves little
  assert.ok(withResults > 500, `only ${withResults} platforms matched anything`);
  assert.deepEqual([...states].sort(), ['affected', 'unknown']);
});

test('fallback records (wildcard vendor) and negated nodes are evaluated', () => {
  const matcher = createVulnerabilityMatcher(edgeRecords);
  const dir615 = matcher.match({ vendor: 'Other', cpes: ['cpe:2.3:o:other:dir-615_firmware:1.5:*:*:*:*:*:*:*'] });
  assert.deepEqual(
    dir615.map((match) => [match.cveId, match.state]),
    [['CVE-9999-0001', 'affected']],
  );
  const onB5 = matcher.match({ vendor: 'D-Link', cpes: ['cpe:2.3:o:d-link:dir-600_firmware:3.0:*:*:*:*:*:*:*', 'cpe:2.3:h:d-link:dir-600:b5:*:*:*:*:*:*:*'] });
  assert.deepEqual(onB5, []);
  const onB6 = matcher.match({ vendor: 'D-Link', cpes: ['cpe:2.3:o:d-link:dir-600_firmware:3.0:*:*:*:*:*:*:*', 'cpe:2.3:h:d-link:dir-600:b6:*:*:*:*:*:*:*'] });
  assert.deepEqual(
    onB6.map((match) => match.cveId),
    ['CVE-9999-0002'],
  );
});

test('includeNotAffected lists records that name the device but rule it out', () => {
  const records = loadSharedNvdRecords();
  const matcher = createVulnerabilityMatcher(records);
  const platform: DevicePlatform = {
    vendor: 'D-Link',
    cpes: ['cpe:2.3:o:dlink:dir-600_firmware:2.17:*:*:*:*:*:*:*', 'cpe:2.3:h:dlink:dir-600:-:*:*:*:*:*:*:*'],
  };
  assert.equal(
    matcher.match(platform).some((match) => match.cveId === 'CVE-2014-100005'),
    false,
  );
  const all = matcher.match(platform, { includeNotAffected: true });
  const dir600 = all.find((match) => match.cveId === 'CVE-2014-100005');
  assert.equal(dir600?.state, 'not-affected');
  assert.match(dir600?.evidence ?? '', /2\.17 outside range ≤ 2\.16ww/);
  assert.deepEqual(naiveMatch(records, platform), matcher.match(platform));
});

test('a device with no product names matches nothing', () => {
  const matcher = createVulnerabilityMatcher(loadSharedNvdRecords());
  assert.deepEqual(matcher.match({ vendor: 'Korvan', cpes: [] }), []);
  assert.deepEqual(matcher.match({ vendor: 'Korvan', cpes: ['not a cpe'] }), []);
});
