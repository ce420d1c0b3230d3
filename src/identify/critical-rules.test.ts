/**
 * The critical-device rules: a sector is validated like every other fact, and each real
 * vendor example of rules/critical.yaml is identified from a page shaped as the device serves it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../core/data-file.ts';
import { OpenNoticeError } from '../core/errors.ts';
import type { ServiceObservation } from '../core/records.ts';
import { createIdentifier } from './engine.ts';
import { loadRuleFiles, ruleSetFromDataFiles } from './rule-loader.ts';

function load(text: string) {
  return ruleSetFromDataFiles([parseDataFile(text, 'sectors.yaml', 'RULES_INVALID')]);
}

function assertRulesInvalid(text: string, message: RegExp): void {
  assert.throws(
    () => load(text),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'RULES_INVALID' && message.test(error.describe()),
  );
}

test('a rule may give a critical device its sector', () => {
  const ruleSet = load(`rules:
  - { id: meter, protocol: http, field: title, pattern: '^Meter$', sets: { vendor: Acme, deviceType: critical, sector: power } }
products:
  - { vendor: Acme, model: M1, deviceType: critical, sector: water }
`);
  assert.equal(ruleSet.rules[0]!.sets.sector, 'power');
  assert.equal(ruleSet.products[0]!.sector, 'water');
});

test('an unknown sector is rejected with RULES_INVALID at its line', () => {
  assertRulesInvalid(
    `rules:
  - { id: meter, protocol: http, field: title, pattern: '^Meter$', sets: { vendor: Acme, deviceType: critical, sector: nuclear } }
`,
    /sectors\.yaml:2: .*expected one of power, water, gas, solar, building, other, got "nuclear"/,
  );
});

test('a sector on a device that is not critical is rejected, in rules and in products', () => {
  assertRulesInvalid(
    `rules:
  - { id: cam, protocol: http, field: title, pattern: '^Cam$', sets: { vendor: Acme, deviceType: ip-camera, sector: power } }
`,
    /a sector needs deviceType: critical/,
  );
  assertRulesInvalid(
    `products:
  - { vendor: Acme, model: M1, sector: solar }
`,
    /a sector needs deviceType: critical/,
  );
});

function page(fields: { title?: string; server?: string; body?: string; headers?: Record<string, string> }): ServiceObservation {
  return {
    ip: '127.152.0.9',
    port: 80,
    protocol: 'http',
    status: 'success',
    result: {
      status: 200,
      ...(fields.title === undefined ? {} : { title: fields.title }),
      headers: { ...(fields.server === undefined ? {} : { server: fields.server }), ...fields.headers },
      ...(fields.body === undefined ? {} : { body: fields.body }),
    },
    durationMs: 1,
    observedAt: '2026-12-01T00:00:00.000Z',
  };
}

const identifier = createIdentifier(loadRuleFiles());

// Pages shaped as the devices serve them: the product names, titles and headers are the public
// facts the rules were written from; the surrounding markup is this test's own.
const realExamples: Array<{ name: string; observation: ServiceObservation; vendor: string; model?: string; sector: string; version?: string }> = [
  {
    name: 'Contec SolarView Compact',
    observation: page({
      title: 'Top',
      server: 'Apache',
      body: '<html><head><title>Top</title></head><body><div>SolarView Compact ver.6.00</div></body></html>',
    }),
    vendor: 'Contec',
    model: 'SolarView Compact',
    sector: 'solar',
    version: '6.00',
  },
  {
    name: 'SMA Sunny WebBox',
    observation: page({ title: 'Sunny WebBox', body: '<frameset></frameset>' }),
    vendor: 'SMA',
    model: 'Sunny WebBox',
    sector: 'solar',
  },
  {
    name: 'SMA Sunny Boy',
    observation: page({ title: 'SMA', body: '<span class="device">Sunny Boy 5.0</span>' }),
    vendor: 'SMA',
    model: 'Sunny Boy',
    sector: 'solar',
  },
  {
    name: 'Fronius Datamanager',
    observation: page({ title: 'Fronius', body: '<h1>Fronius Datamanager 2.0</h1><script>fetch("/solar_api/v1/GetInverterInfo.cgi")</script>' }),
    vendor: 'Fronius',
    model: 'Datamanager 2.0',
    sector: 'solar',
  },
  { name: 'Solar-Log', observation: page({ title: 'Solar-Log 1200' }), vendor: 'Solar-Log', model: '1200', sector: 'solar' },
  {
    name: 'Tigo CCA',
    observation: page({ body: '<title>Tigo</title><p>Tigo Cloud Connect Advanced</p>' }),
    vendor: 'Tigo',
    model: 'Cloud Connect Advanced',
    sector: 'solar',
  },
  { name: 'Sungrow WiNet', observation: page({ body: '<div id="app">WiNet-S</div>' }), vendor: 'Sungrow', model: 'WiNet-S', sector: 'solar' },
  { name: 'EIG meter', observation: page({ server: 'EIG Embedded Web Server' }), vendor: 'Electro Industries/GaugeTech', sector: 'power' },
  { name: 'Tesla Powerpack', observation: page({ title: 'Tesla PowerPack System' }), vendor: 'Tesla', model: 'Powerpack', sector: 'power' },
  { name: 'Nordex', observation: page({ title: 'Nordex Control' }), vendor: 'Nordex', sector: 'power' },
  {
    name: 'Tridium Niagara',
    observation: page({ server: 'Niagara Web Server/4.10.1.36', headers: { 'niagara-platform': 'QNX' } }),
    vendor: 'Tridium',
    model: 'Niagara',
    sector: 'building',
    version: '4.10.1.36',
  },
  { name: 'CAREL PlantVisor', observation: page({ server: 'CarelDataServer' }), vendor: 'CAREL', model: 'PlantVisor', sector: 'building' },
  { name: 'Veeder-Root tank gauge', observation: page({ body: '<pre>I20100\nIN-TANK INVENTORY\nTANK PRODUCT</pre>' }), vendor: 'Veeder-Root', sector: 'gas' },
];

for (const example of realExamples) {
  test(`${example.name} is identified as a critical ${example.sector} device`, () => {
    const identity = identifier.identify('127.152.0.9', [example.observation]);
    assert.ok(identity, 'identified');
    assert.equal(identity.vendor, example.vendor);
    assert.equal(identity.deviceType, 'critical');
    assert.equal(identity.sector, example.sector);
    if (example.model !== undefined) assert.equal(identity.model, example.model);
    if (example.version !== undefined) assert.equal(identity.firmwareVersion, example.version);
  });
}

test('a critical device no rule gave a sector is in sector "other"; other devices have none', () => {
  const ruleSet = load(`rules:
  - { id: plc, protocol: http, field: title, pattern: '^PLC$', sets: { vendor: Acme, deviceType: critical } }
  - { id: cam, protocol: http, field: title, pattern: '^Cam$', sets: { vendor: Acme, deviceType: ip-camera } }
`);
  const own = createIdentifier(ruleSet);
  assert.equal(own.identify('127.152.0.9', [page({ title: 'PLC' })])?.sector, 'other');
  const camera = own.identify('127.152.0.9', [page({ title: 'Cam' })]);
  assert.equal(camera?.deviceType, 'ip-camera');
  assert.equal(camera?.sector, undefined);
});
