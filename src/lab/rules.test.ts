/**
 * The lab's fingerprint rules (src/lab/rules/fictional-vendors.yaml for the fictional
 * vendors, real-products.yaml for the real-product profiles) against what every
 * generated device shows an unauthenticated observer: each device's vendor, model and
 * firmware must be extracted, and no rule may fire on another vendor or a hostile device.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { defaultLabOptions } from './options.ts';
import { observeDevice } from '../../test/support/lab/observe-device.ts';
import { generatePopulation } from './population.ts';
import type { LabDevice } from './types.ts';
import { fictionalVendors, isLabVendor, labVendors, realProductVendors } from './vendors/index.ts';
import type { VendorProfile } from './vendors/profile.ts';

interface RuleText {
  id: string;
  protocol: string;
  field: string;
  pattern: string;
  flags?: string;
  sets?: { vendor?: string; model?: string; version?: string; deviceType?: string };
}
interface ProductText {
  vendor: string;
  model: string;
  deviceType: string;
  releaseYear: number;
}

const readRules = (name: string) =>
  parse(readFileSync(fileURLToPath(new URL(`./rules/${name}`, import.meta.url)), 'utf8')) as { rules: RuleText[]; products: ProductText[] };
const fictionalDocument = readRules('fictional-vendors.yaml');
const realDocument = readRules('real-products.yaml');
const document = { rules: [...fictionalDocument.rules, ...realDocument.rules], products: [...fictionalDocument.products, ...realDocument.products] };
const rules = document.rules.map((rule) => ({ ...rule, regex: new RegExp(rule.pattern, rule.flags ?? '') }));

interface Fact {
  ruleId: string;
  vendor?: string;
  model?: string;
  version?: string;
}

function textAt(result: Record<string, unknown>, path: string): string | undefined {
  let value: unknown = result;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return typeof value === 'string' ? value : undefined;
}

function factsOf(device: LabDevice): Fact[] {
  const facts: Fact[] = [];
  for (const observation of observeDevice(device)) {
    for (const rule of rules) {
      if (rule.protocol !== observation.protocol) continue;
      const text = textAt(observation.result, rule.field);
      const match = text === undefined ? null : rule.regex.exec(text);
      if (!match) continue;
      facts.push({
        ruleId: rule.id,
        vendor: match.groups?.vendor ?? rule.sets?.vendor,
        model: match.groups?.model ?? rule.sets?.model,
        version: match.groups?.version ?? rule.sets?.version,
      });
    }
  }
  return facts;
}

const populations = [1, 2].map((seed) => generatePopulation({ ...defaultLabOptions, seed }));

test('every rule names a lab vendor of its file, and the products lists are exactly the lab catalogue', () => {
  const check = (file: { rules: RuleText[]; products: ProductText[] }, vendors: readonly VendorProfile[]) => {
    const names = new Set(vendors.map((vendor) => vendor.vendor));
    for (const rule of file.rules) {
      assert.match(rule.id, /^lab-/);
      assert.ok(names.has(rule.sets?.vendor ?? ''), `${rule.id} sets no vendor of its file`);
    }
    // A model sold in several hardware revisions is one product.
    const catalogue = new Map(
      vendors.flatMap((vendor) =>
        vendor.models.map(
          (model) =>
            [
              `${vendor.vendor} ${model.model}`,
              { vendor: vendor.vendor, model: model.model, deviceType: model.deviceType, releaseYear: model.releaseYear },
            ] as const,
        ),
      ),
    );
    const products = file.products.map(({ vendor, model, deviceType, releaseYear }) => ({ vendor, model, deviceType, releaseYear }));
    assert.deepEqual(products, [...catalogue.values()]);
  };
  check(fictionalDocument, fictionalVendors);
  check(realDocument, realProductVendors);
  assert.deepEqual([...fictionalVendors, ...realProductVendors], labVendors);
});

test('for every generated device the rules extract exactly its vendor, model and firmware', () => {
  const used = new Set<string>();
  for (const devices of populations) {
    for (const device of devices) {
      const facts = factsOf(device);
      for (const fact of facts) used.add(fact.ruleId);
      if (device.role === 'hostile') {
        assert.deepEqual(facts, [], `hostile ${device.ip} (${device.hostileBehaviour}) matched a rule`);
        continue;
      }
      const identity = device.identity!;
      // The payload printer is of no lab vendor; common.yaml's HP rule names it (payloads.test.ts).
      if (!isLabVendor(identity.vendor)) continue;
      const where = `${device.ip} ${identity.vendor} ${identity.model} ${identity.firmwareVersion}`;
      assert.ok(facts.length > 0, `${where}: no rule matched`);
      for (const fact of facts) assert.equal(fact.vendor, identity.vendor, `${where}: ${fact.ruleId} claims ${fact.vendor}`);
      const models = new Set(facts.map((fact) => fact.model).filter((model) => model !== undefined));
      const versions = new Set(facts.map((fact) => fact.version).filter((version) => version !== undefined));
      assert.deepEqual([...models], [identity.model], `${where}: models ${[...models].join(', ')}`);
      assert.deepEqual([...versions], [identity.firmwareVersion], `${where}: versions ${[...versions].join(', ')}`);
      const product = document.products.find(
        (candidate) => candidate.vendor === identity.vendor && candidate.model.toLowerCase() === identity.model.toLowerCase(),
      );
      assert.equal(product?.deviceType, identity.deviceType, where);
      assert.equal(product?.releaseYear, identity.releaseYear, where);
    }
  }
  const unused = document.rules.map((rule) => rule.id).filter((id) => !used.has(id));
  assert.deepEqual(unused, [], 'every rule fires on some device');
});
