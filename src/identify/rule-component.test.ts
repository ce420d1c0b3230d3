import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../core/data-file.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { ruleSetFromDataFiles } from './rule-loader.ts';

const componentRule = `rules:
  - id: dropbear-version
    protocol: ssh
    field: software
    pattern: '^dropbear_(?<version>\\d+\\.\\d+)$'
    component: { product: dropbear, cpeVendor: dropbear_ssh_project, cpeProduct: dropbear_ssh }
    confidence: 0.95
    examples: ['dropbear_2014.63']
`;

function load(text: string) {
  return ruleSetFromDataFiles([parseDataFile(text, 'components.yaml', 'RULES_INVALID')]);
}

function assertRejected(text: string, where: string, message: RegExp): void {
  assert.throws(
    () => load(text),
    (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError, `expected OpenNoticeError, got ${String(error)}`);
      assert.equal(error.code, 'RULES_INVALID');
      const description = error.describe();
      assert.ok(description.startsWith(`${where}: `), `"${description}" should start with "${where}: "`);
      assert.match(description, message);
      return true;
    },
  );
}

test('a component rule loads: product, CPE names, part a by default, the version capture kept as a capture', () => {
  const [rule] = load(componentRule).rules;
  assert.ok(rule);
  assert.deepEqual(rule.component, { product: 'dropbear', cpeVendor: 'dropbear_ssh_project', cpeProduct: 'dropbear_ssh', part: 'a' });
  assert.deepEqual(rule.captures, ['version']);
  assert.deepEqual(rule.sets, {}, 'a component alone is enough: the rule asserts something');
});

test('a component may carry a constant version and another part, beside device facts', () => {
  const text = `rules:
  - id: acme-os
    protocol: telnet
    field: banner
    pattern: '^Acme (?<model>AC-\\d+) ready'
    sets: { vendor: Acme }
    component: { product: Acme OS, cpeVendor: acme_os_project, cpeProduct: acme_os, part: o, version: '1.10' }
`;
  const [rule] = load(text).rules;
  assert.deepEqual(rule?.component, { product: 'Acme OS', cpeVendor: 'acme_os_project', cpeProduct: 'acme_os', part: 'o', version: '1.10' });
  assert.deepEqual(rule?.sets, { vendor: 'Acme' });
});

test('a component without a required field names the field and the line', () => {
  assertRejected(componentRule.replace(', cpeProduct: dropbear_ssh', ''), 'components.yaml:6', /component is missing required field "cpeProduct"/);
  assertRejected(componentRule.replace('product: dropbear, ', ''), 'components.yaml:6', /missing required field "product"/);
});

test('unknown keys, display names where CPE names belong, and an unknown part are rejected at their line', () => {
  assertRejected(
    componentRule.replace('cpeProduct: dropbear_ssh', 'cpeProduct: dropbear_ssh, cpe_version: x'),
    'components.yaml:6',
    /unknown field "cpe_version"/,
  );
  assertRejected(componentRule.replace('cpeVendor: dropbear_ssh_project', 'cpeVendor: Dropbear SSH Project'), 'components.yaml:6', /not a CPE name/);
  assertRejected(componentRule.replace('cpeProduct: dropbear_ssh', "cpeProduct: 'dropbear:ssh'"), 'components.yaml:6', /not a CPE name/);
  assertRejected(componentRule.replace('cpeProduct: dropbear_ssh }', 'cpeProduct: dropbear_ssh, part: x }'), 'components.yaml:6', /expected one of a, o, h/);
  assertRejected(
    componentRule.replace('component: { product: dropbear, cpeVendor: dropbear_ssh_project, cpeProduct: dropbear_ssh }', 'component: dropbear'),
    'components.yaml:6',
    /expected a mapping/,
  );
});

test('an unquoted constant version is rejected, as for device facts', () => {
  assertRejected(
    componentRule.replace('cpeProduct: dropbear_ssh }', 'cpeProduct: dropbear_ssh, version: 2014.63 }'),
    'components.yaml:6',
    /write the version in quotes/,
  );
});

test('a rule with a component may not also set a device firmware version: "version" has one meaning per rule', () => {
  const both = componentRule.replace('    confidence: 0.95', "    sets: { vendor: Acme, version: '1.0' }\n    confidence: 0.95");
  assertRejected(both, 'components.yaml:7', /the version is the component's: write it as component\.version/);
});

test('the rule format stays backward compatible: device rules without a component load as before', () => {
  const device = `rules:
  - { id: korvan-title, protocol: http, field: title, pattern: '^Korvan (?<model>IPC-\\d+) Web', sets: { vendor: Korvan } }
`;
  const [rule] = load(device).rules;
  assert.equal(rule?.component, undefined);
  assert.deepEqual(rule?.sets, { vendor: 'Korvan' });
});
