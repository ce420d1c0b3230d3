/**
 * The real-product profiles against the real records in ../shared/data: the curated
 * `cves` of every release must agree with the records' configurations as read by a tiny
 * evaluator written here for exactly these records (independent of src/assess/firmware),
 * and identification must give each simulated device the CPE NVD uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createIdentifier } from '../identify/engine.ts';
import { formatCpe } from '../identify/cpe.ts';
import { loadRuleFiles } from '../identify/rule-loader.ts';
import { surveyRuleFiles } from '../cli/survey-deps.ts';
import { observeDevice } from '../../test/support/lab/observe-device.ts';
import { defaultLabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { truthOf } from './truth.ts';
import { realProductVendors } from './vendors/index.ts';
import type { FirmwareRelease, ModelSpec } from './vendors/profile.ts';
import { realCvesInScope } from './vulnerabilities.ts';
import { simpleVersionOrder } from '../../test/support/lab/simple-version-order.ts';
import type { Configuration, CpeMatch } from '../assess/firmware/types.ts';
import { sharedData } from '../../test/support/shared-data.ts';

// Only the record's shape is shared with the firmware engine; the evaluation below stays independent.
type MatchText = CpeMatch;
interface CveText {
  id: string;
  configurations?: Configuration[];
}

const records: CveText[] = ['nvd/iot-cves.json', 'nvd/iot-cves-2017plus-fkie.json'].flatMap((file) =>
  (JSON.parse(readFileSync(sharedData(file), 'utf8')) as { vulnerabilities: Array<{ cve: CveText }> }).vulnerabilities.map((entry) => entry.cve),
);

/** CPE products (firmware and hardware) NVD uses for each profile model. */
const cpeOf: Record<string, { vendor: string; firmware: string; hardware: string }> = {
  'DIR-600': { vendor: 'dlink', firmware: 'dir-600_firmware', hardware: 'dir-600' },
  'DIR-605L': { vendor: 'dlink', firmware: 'dir-605l_firmware', hardware: 'dir-605l' },
  'DIR-820L': { vendor: 'dlink', firmware: 'dir820la1_firmware', hardware: 'dir820la1' },
  'DIR-859': { vendor: 'dlink', firmware: 'dir-859_firmware', hardware: 'dir-859' },
  Vigor3900: { vendor: 'draytek', firmware: 'vigor3900_firmware', hardware: 'vigor3900' },
  Vigor2960: { vendor: 'draytek', firmware: 'vigor2960_firmware', hardware: 'vigor2960' },
};

/**
 * How the records spell a release the UI shows: lower case; the DIR-820L A1 record uses the
 * firmware file's "105b03" for 1.05B03; D-Link betas "1.06B01" are version 1.06, update beta1.
 */
function recordSpelling(model: string, shown: string): { version: string; update?: string } {
  if (model === 'DIR-820L') return { version: shown.replace('.', '').toLowerCase() };
  const beta = /^(\d\.\d{2})B(\d{2})$/.exec(shown);
  if (model === 'DIR-859' && beta) return { version: beta[1]!, update: `beta${Number(beta[2])}` };
  return { version: shown.toLowerCase() };
}

function matches(match: MatchText, model: ModelSpec, release: FirmwareRelease): boolean {
  const names = cpeOf[model.model]!;
  const [, , part, vendor, product, version, update] = match.criteria.split(':');
  if (vendor !== names.vendor) return false;
  if (part === 'h') return product === names.hardware && (version === '-' || version === '*' || version === model.hardwareVersion?.toLowerCase());
  if (part !== 'o' || product !== names.firmware) return false;
  const spelled = recordSpelling(model.model, release.version);
  if (version !== '*') return version === spelled.version && (update === '*' || update === spelled.update);
  const v = spelled.version;
  if (match.versionStartIncluding && simpleVersionOrder(v, match.versionStartIncluding) < 0) return false;
  if (match.versionStartExcluding && simpleVersionOrder(v, match.versionStartExcluding) <= 0) return false;
  if (match.versionEndIncluding && simpleVersionOrder(v, match.versionEndIncluding) > 0) return false;
  if (match.versionEndExcluding && simpleVersionOrder(v, match.versionEndExcluding) >= 0) return false;
  return true;
}

function affects(record: CveText, model: ModelSpec, release: FirmwareRelease): boolean {
  return (record.configurations ?? []).some((configuration) => {
    const results = configuration.nodes.map((node) => {
      const hits = node.cpeMatch.map((match) => matches(match, model, release));
      const value = node.operator === 'AND' ? hits.every(Boolean) : hits.some(Boolean);
      return node.negate ? !value : value;
    });
    const value = configuration.operator === 'AND' ? results.every(Boolean) : results.some(Boolean);
    return configuration.negate ? !value : value;
  });
}

const profileReleases = realProductVendors.flatMap((vendor) =>
  vendor.models.flatMap((model) => vendor.firmwareReleases(model).map((release) => ({ vendor, model, release }))),
);

test('every real-product release: the curated CVEs are exactly what the records configure', () => {
  assert.ok(profileReleases.length >= 15);
  for (const { model, release } of profileReleases) {
    const expected = records
      .filter((record) => affects(record, model, release))
      .map((record) => record.id)
      .sort();
    assert.deepEqual([...(release.cves ?? [])].sort(), expected, `${model.model} ${model.hardwareVersion ?? ''} ${release.version}`);
  }
  // The deliberate cases are there: inside, outside, boundary, excluded hardware revision.
  const cvesOf = (model: string, hardware: string | undefined, version: string) =>
    profileReleases.find((entry) => entry.model.model === model && entry.model.hardwareVersion === hardware && entry.release.version === version)!.release.cves;
  assert.deepEqual(cvesOf('DIR-600', 'B2', '2.16WW'), ['CVE-2014-100005'], 'versionEndIncluding boundary');
  assert.deepEqual(cvesOf('DIR-600', 'B2', '2.17B02'), [], 'the fix');
  assert.deepEqual(cvesOf('DIR-605L', 'B1', '2.04'), ['CVE-2014-8361']);
  assert.deepEqual(cvesOf('DIR-605L', 'B2', '2.01MT'), ['CVE-2021-40655'], 'CVE-2014-8361 range, but rev B2 is not in its hardware node');
  assert.deepEqual(cvesOf('Vigor2960', undefined, '1.5.1'), [], 'versionEndExcluding boundary');
});

test('the real CVE scope names every NVD record that mentions a profile product, and nothing else', () => {
  const products = new Set(Object.values(cpeOf).flatMap((names) => [`${names.vendor}:${names.firmware}`, `${names.vendor}:${names.hardware}`]));
  const mentioning = records
    .filter((record) =>
      JSON.stringify(record.configurations ?? [])
        .match(/cpe:2\.3:[oh]:[^:]+:[^:]+/g)
        ?.some((cpe) => products.has(cpe.split(':').slice(3, 5).join(':'))),
    )
    .map((record) => record.id);
  const nvdScope = realCvesInScope.filter((id) => records.some((record) => record.id === id));
  assert.deepEqual([...new Set(mentioning)].sort(), [...nvdScope].sort());
  // The one CVE 5-only record in scope: DIR-605L revision A, firmware below 1.17beta; every lab DIR-605L runs 2.x.
  const cve5 = readFileSync(sharedData('cve5/records/CVE-2020-19318.json'), 'utf8');
  assert.match(cve5, /dir-605l/);
  assert.ok(profileReleases.filter((entry) => entry.model.model === 'DIR-605L').every((entry) => entry.release.version.startsWith('2.')));
});

test('real-product devices: ~5–10 % of the lab, identified exactly with the CPE NVD uses, affected and unaffected ones of every model', () => {
  const devices = generatePopulation(defaultLabOptions);
  const truth = truthOf(devices, defaultLabOptions);
  const real = devices.filter((device) => device.identity && realProductVendors.some((vendor) => vendor.vendor === device.identity!.vendor));
  assert.ok(real.length / devices.length >= 0.05 && real.length / devices.length <= 0.1, `${real.length} real-product devices`);
  const identifier = createIdentifier(loadRuleFiles(surveyRuleFiles({ labRules: true }))); // the rules a survey of the lab loads
  for (const device of real) {
    const lab = device.identity!;
    const identity = identifier.identify(device.ip, observeDevice(device));
    const where = `${device.ip} ${lab.model} ${lab.firmwareVersion}`;
    assert.ok(identity, where);
    assert.deepEqual(
      [identity.vendor, identity.model, identity.firmwareVersion, identity.deviceType, identity.releaseYear],
      [lab.vendor, lab.model, lab.firmwareVersion, lab.deviceType, lab.releaseYear],
      where,
    );
    const names = cpeOf[lab.model]!;
    assert.equal(identity.cpe, formatCpe({ part: 'o', vendor: names.vendor, product: names.firmware, version: lab.firmwareVersion }), where);
  }
  const sample = real.find((device) => device.identity!.model === 'DIR-600' && device.identity!.firmwareVersion === '2.16WW');
  if (sample) assert.equal(identifier.identify(sample.ip, observeDevice(sample))?.cpe, 'cpe:2.3:o:dlink:dir-600_firmware:2.16ww:*:*:*:*:*:*:*');
  const byIp = new Map(truth.devices.map((device) => [device.ip, device]));
  for (const model of Object.keys(cpeOf)) {
    const ofModel = real.filter((device) => device.identity!.model === model).map((device) => byIp.get(device.ip)!);
    assert.ok(
      ofModel.some((device) => device.vulnerabilities.length > 0),
      `${model}: an affected device`,
    );
    assert.ok(
      ofModel.some((device) => device.vulnerabilities.length === 0),
      `${model}: a patched device`,
    );
  }
});
