import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyAliasTable } from './aliases.ts';
import { compileConfiguration, evaluateConfiguration, explainConfiguration } from './configuration.ts';
import { compilePlatform } from './criterion.ts';
import type { Configuration, CpeMatch, DevicePlatform } from './types.ts';

const aliases = emptyAliasTable();
const cpe = (part: string, product: string, version = '*', update = '*') => `cpe:2.3:${part}:acme:${product}:${version}:${update}:*:*:*:*:*:*`;
const entry = (criteria: string, extra: Partial<CpeMatch> = {}): CpeMatch => ({ vulnerable: true, criteria, ...extra });
const device = (firmwareVersion: string | undefined, hardwareRevision = '*', product = 'cam-1'): DevicePlatform => ({
  vendor: 'Acme',
  model: product,
  firmwareVersion,
  cpes: [cpe('o', `${product}_firmware`, firmwareVersion ?? '*'), cpe('h', product, hardwareRevision)],
});
const evaluate = (configuration: Configuration, platform: DevicePlatform) => {
  const compiled = compileConfiguration(configuration, aliases);
  const compiledDevice = compilePlatform(platform, aliases);
  const outcome = evaluateConfiguration(compiled, compiledDevice);
  return { ...outcome, evidence: explainConfiguration(compiled, compiledDevice, outcome.state) };
};

/** The usual IoT shape: firmware range AND hardware (vulnerable: false). */
const firmwareAndHardware = (range: Partial<CpeMatch>, hardwareVersion = '-'): Configuration => ({
  operator: 'AND',
  nodes: [
    { operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware'), range)] },
    { operator: 'OR', cpeMatch: [entry(cpe('h', 'cam-1', hardwareVersion), { vulnerable: false })] },
  ],
});

test('firmware in range AND hardware: needs both', () => {
  const config = firmwareAndHardware({ versionEndExcluding: '2.0' });
  const affected = evaluate(config, device('1.5'));
  assert.equal(affected.state, 'affected');
  assert.equal(affected.confidence, 0.95);
  assert.match(affected.evidence, /cam-1_firmware 1\.5 in range < 2\.0/);
  assert.match(affected.evidence, /cam-1 hardware/);
  assert.equal(evaluate(config, device('2.0')).state, 'not-affected');
  assert.match(evaluate(config, device('2.0')).evidence, /outside range < 2\.0/);
  // the right firmware product name on other hardware
  const otherHardware: DevicePlatform = { vendor: 'Acme', cpes: [cpe('o', 'cam-1_firmware', '1.5'), cpe('h', 'cam-2')] };
  assert.equal(evaluate(config, otherHardware).state, 'not-affected');
  // hardware only, no firmware name at all
  assert.equal(evaluate(config, { vendor: 'Acme', cpes: [cpe('h', 'cam-1')] }).state, 'not-affected');
});

test('a missing or unreadable version is unknown, never affected', () => {
  const config = firmwareAndHardware({ versionEndIncluding: '2.0' });
  const missing = evaluate(config, device(undefined));
  assert.equal(missing.state, 'unknown');
  assert.ok(missing.confidence < 0.5);
  assert.match(missing.evidence, /version not read/);
  assert.equal(evaluate(config, device('beta')).state, 'unknown');
  // ...but an unknown version on the wrong hardware is still not affected (AND: false wins)
  assert.equal(evaluate(config, { vendor: 'Acme', cpes: [cpe('o', 'cam-1_firmware'), cpe('h', 'cam-9')] }).state, 'not-affected');
});

test('a hardware revision the device does not show makes the result unknown', () => {
  const config = firmwareAndHardware({ versionEndIncluding: '2.0' }, 'b2');
  assert.equal(evaluate(config, device('1.0', 'b2')).state, 'affected');
  assert.equal(evaluate(config, device('1.0', 'a1')).state, 'not-affected');
  const unknown = evaluate(config, device('1.0'));
  assert.equal(unknown.state, 'unknown');
  assert.match(unknown.evidence, /hardware revision b2 required/);
});

test('vulnerable: false entries alone never make a device affected', () => {
  const platformOnly: Configuration = { nodes: [{ operator: 'OR', cpeMatch: [entry(cpe('h', 'cam-1'), { vulnerable: false })] }] };
  assert.equal(evaluate(platformOnly, device('1.0')).state, 'not-affected');
  // OR of a vulnerable firmware node and a platform-only hardware node: the firmware decides
  const orConfig: Configuration = {
    operator: 'OR',
    nodes: [
      { operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware', '1.0'))] },
      { operator: 'OR', cpeMatch: [entry(cpe('h', 'cam-1'), { vulnerable: false })] },
    ],
  };
  assert.equal(evaluate(orConfig, device('1.0')).state, 'affected');
  assert.equal(evaluate(orConfig, device('1.1')).state, 'not-affected');
});

test('exact versions, the update attribute and single-node configurations', () => {
  const single: Configuration = {
    nodes: [{ operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware', '1.02b03')), entry(cpe('o', 'cam-1_firmware', '1.06', 'beta1'))] }],
  };
  assert.equal(evaluate(single, device('1.02B03')).state, 'affected');
  assert.equal(evaluate(single, device('1.06 beta1')).state, 'affected');
  assert.equal(evaluate(single, device('1.06')).state, 'not-affected');
  assert.equal(evaluate(single, device('1.02b04')).state, 'not-affected');
  const allVersions: Configuration = { nodes: [{ operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware'))] }] };
  assert.equal(evaluate(allVersions, device(undefined)).state, 'affected');
  const naVersion: Configuration = { nodes: [{ operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware', '-'))] }] };
  const na = evaluate(naVersion, device('3.0'));
  assert.equal(na.state, 'affected');
  assert.ok(na.confidence < 0.95);
});

test('AND nodes inside, negated nodes and negated configurations', () => {
  const andNode: Configuration = {
    nodes: [
      {
        operator: 'AND',
        cpeMatch: [
          entry(cpe('o', 'cam-1_firmware'), { versionStartIncluding: '1.0', versionEndIncluding: '1.9' }),
          entry(cpe('h', 'cam-1'), { vulnerable: false }),
        ],
      },
    ],
  };
  assert.equal(evaluate(andNode, device('1.2')).state, 'affected');
  assert.equal(evaluate(andNode, device('0.9')).state, 'not-affected');
  // "every firmware version except when running on hardware cam-1"
  const negatedNode: Configuration = {
    operator: 'AND',
    nodes: [
      { operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware'))] },
      { operator: 'OR', negate: true, cpeMatch: [entry(cpe('h', 'cam-1'), { vulnerable: false })] },
    ],
  };
  assert.equal(evaluate(negatedNode, device('1.0')).state, 'not-affected');
  assert.equal(evaluate(negatedNode, { vendor: 'Acme', cpes: [cpe('o', 'cam-1_firmware', '1.0'), cpe('h', 'cam-2')] }).state, 'affected');
  // an unknown under negation stays unknown
  const negatedRevision: Configuration = {
    operator: 'AND',
    nodes: [
      { operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware'))] },
      { operator: 'OR', negate: true, cpeMatch: [entry(cpe('h', 'cam-1', 'b2'), { vulnerable: false })] },
    ],
  };
  assert.equal(evaluate(negatedRevision, device('1.0')).state, 'unknown');
  // a negated configuration holds where its nodes do not, but has no vulnerable entry that counts
  const negatedConfig: Configuration = { negate: true, nodes: [{ operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware', '1.0'))] }] };
  assert.equal(evaluate(negatedConfig, device('2.0')).state, 'not-affected');
});

test('Kleene OR: one true decides, unknowns only matter without it', () => {
  const config: Configuration = {
    nodes: [{ operator: 'OR', cpeMatch: [entry(cpe('o', 'cam-1_firmware'), { versionEndIncluding: 'xcp' }), entry(cpe('o', 'cam-1_firmware', '1.0'))] }],
  };
  assert.equal(evaluate(config, device('1.0')).state, 'affected');
  assert.equal(evaluate(config, device('1.1')).state, 'unknown');
});

test('an unreadable criteria string never matches', () => {
  const config: Configuration = { nodes: [{ operator: 'OR', cpeMatch: [entry('cpe:/o:acme:cam-1_firmware:1.0')] }] };
  assert.equal(evaluate(config, device('1.0')).state, 'not-affected');
});
