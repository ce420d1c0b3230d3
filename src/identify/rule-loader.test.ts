import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDataFile } from '../core/data-file.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { loadRuleFiles, ruleFilesIn, ruleSetFromDataFiles } from './rule-loader.ts';

const goodRule = `rules:
  - id: korvan-http-title
    protocol: http
    field: title
    pattern: '^Korvan (?<model>IPC-\\d+[A-Z]*) Web'
    flags: i
    sets: { vendor: Korvan, deviceType: ip-camera }
    confidence: 0.9
products:
  - { vendor: Korvan, model: IPC-2120, deviceType: ip-camera, releaseYear: 2014, cpeVendor: korvan, cpeProduct: ipc-2120_firmware }
`;

function load(...texts: string[]) {
  return ruleSetFromDataFiles(texts.map((text, index) => parseDataFile(text, `file${index + 1}.yaml`, 'RULES_INVALID')));
}

/** Loading must fail with RULES_INVALID, and describe() must start with the expected "file:line: …". */
function assertRejected(texts: string[], where: string, message: RegExp): void {
  assert.throws(
    () => load(...texts),
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

test('a valid file loads into compiled rules and products', () => {
  const ruleSet = load(goodRule);
  assert.equal(ruleSet.rules.length, 1);
  const rule = ruleSet.rules[0];
  assert.deepEqual(rule.fieldPath, ['title']);
  assert.deepEqual(rule.captures, ['model']);
  // Case-insensitive as written (`flags: i`); run with the case written out, for V8's linear-time engine.
  assert.equal(rule.pattern.exec('korvan IPC-2120X web')?.groups?.model, 'IPC-2120X');
  assert.equal(rule.pattern.test('Korvan IPC-2120 Wab'), false);
  assert.equal(rule.readsAtMost, 16 * 1024);
  assert.deepEqual(rule.sets, { vendor: 'Korvan', deviceType: 'ip-camera' });
  assert.deepEqual(rule.source, { file: 'file1.yaml', line: 2 });
  assert.equal(ruleSet.products[0].cpePart, 'o');
  assert.equal(ruleSet.products[0].source.line, 10);
});

test('confidence defaults to 0.8 when a rule does not give one', () => {
  const ruleSet = load(`rules:\n  - { id: a, protocol: ssh, field: software, pattern: x, sets: { os: linux } }\n`);
  assert.equal(ruleSet.rules[0].confidence, 0.8);
});

test('unknown keys are rejected at their line', () => {
  assertRejected([goodRule.replace('    confidence: 0.9', '    confidense: 0.9')], 'file1.yaml:8', /unknown field "confidense"/);
  assertRejected([goodRule.replace('rules:', 'rulez: []\nrules:')], 'file1.yaml:1', /unknown field "rulez"/);
  assertRejected([goodRule.replace('sets: { vendor: Korvan,', 'sets: { vendr: Korvan,')], 'file1.yaml:7', /unknown field "vendr"/);
});

test('each missing required field is named', () => {
  for (const key of ['id', 'protocol', 'field', 'pattern']) {
    const text = goodRule
      .split('\n')
      .filter((line) => !line.startsWith(`    ${key}:`) && !line.startsWith(`  - ${key}:`))
      .join('\n');
    const withoutKey = key === 'id' ? text.replace('    protocol: http', '  - protocol: http') : text;
    assertRejected([withoutKey], 'file1.yaml:2', new RegExp(`missing required field "${key}"`));
  }
});

test('a duplicate id names where the first one is, across files', () => {
  const second = `# another file\nrules:\n  - { id: korvan-http-title, protocol: ssh, field: software, pattern: x, sets: { os: linux } }\n`;
  assertRejected([goodRule, second], 'file2.yaml:3', /duplicate rule id "korvan-http-title" \(first defined at file1\.yaml:2\)/);
});

test('a duplicate id in the same file names the line of the first one, and the file once (found by npm run fuzz)', () => {
  const twice = goodRule.replace('products:', '  - { id: korvan-http-title, protocol: ssh, field: software, pattern: x, sets: { os: linux } }\nproducts:');
  assertRejected([twice], 'file1.yaml:9', /duplicate rule id "korvan-http-title" \(first defined at line 2\) \[RULES_INVALID\]$/);
  assert.throws(
    () => load(twice),
    (error: unknown) => error instanceof OpenNoticeError && error.describe().split('file1.yaml').length - 1 === 1,
  );
});

test('an invalid regex carries the JavaScript message', () => {
  assertRejected([goodRule.replace("'^Korvan (?<model>IPC-\\d+[A-Z]*) Web'", "'^Korvan (IPC'")], 'file1.yaml:5', /invalid regex: .*Unterminated group/);
});

test('unknown and stateful flags are rejected', () => {
  assertRejected([goodRule.replace('flags: i', 'flags: ix')], 'file1.yaml:6', /unknown flag "x"/);
  assertRejected([goodRule.replace('flags: i', 'flags: g')], 'file1.yaml:6', /unknown flag "g"/);
  assertRejected([goodRule.replace('flags: i', 'flags: ii')], 'file1.yaml:6', /flag "i" given twice/);
});

test('confidence outside 0..1 is rejected', () => {
  assertRejected([goodRule.replace('confidence: 0.9', 'confidence: 1.5')], 'file1.yaml:8', /confidence: must be at most 1/);
  assertRejected([goodRule.replace('confidence: 0.9', 'confidence: -0.1')], 'file1.yaml:8', /must be at least 0/);
});

test('an unknown deviceType is rejected in rules and products', () => {
  assertRejected([goodRule.replace('deviceType: ip-camera }', 'deviceType: webcam }')], 'file1.yaml:7', /expected one of ip-camera, .*got "webcam"/);
  assertRejected([goodRule.replace('deviceType: ip-camera, releaseYear', 'deviceType: toaster, releaseYear')], 'file1.yaml:10', /got "toaster"/);
});

test("the field must exist in that protocol's result", () => {
  assertRejected([goodRule.replace('field: title', 'field: tittle')], 'file1.yaml:4', /unknown field "tittle" in the http result \(known: url, status/);
  assertRejected([goodRule.replace('field: title', 'field: banner')], 'file1.yaml:4', /unknown field "banner" in the http result/);
  assertRejected([goodRule.replace('field: title', 'field: headers.Server')], 'file1.yaml:4', /header names are lower-case: write "headers.server"/);
  assertRejected([goodRule.replace('field: title', 'field: headers')], 'file1.yaml:4', /needs a header name/);
  assertRejected([goodRule.replace('field: title', 'field: redirects')], 'file1.yaml:4', /is a list/);
  assertRejected([goodRule.replace('field: title', 'field: auth.scheme.x')], 'file1.yaml:4', /has no field "x"/);
  assertRejected([goodRule.replace('protocol: http', 'protocol: gopher')], 'file1.yaml:3', /unknown protocol "gopher"/);
});

test('named groups other than vendor/model/version are rejected', () => {
  assertRejected([goodRule.replace('(?<model>', '(?<modle>')], 'file1.yaml:5', /named group "modle" is not one of vendor, model, version/);
});

test('a rule that asserts nothing is rejected', () => {
  assertRejected([`rules:\n  - { id: a, protocol: ssh, field: software, pattern: x }\n`], 'file1.yaml:2', /asserts nothing/);
});

test('an unquoted version constant is rejected (YAML would turn 1.10 into 1.1)', () => {
  assertRejected(
    [`rules:\n  - { id: a, protocol: ssh, field: software, pattern: x, sets: { vendor: A, version: 1.10 } }\n`],
    'file1.yaml:2',
    /write the version in quotes/,
  );
});

test('examples that the pattern does not match are rejected', () => {
  const withExamples = goodRule.replace('    confidence: 0.9', "    confidence: 0.9\n    examples: ['Korvan IPC-2120 Web', 'Korvan NVR-8 Web']");
  assertRejected([withExamples], 'file1.yaml:9', /does not match its own example "Korvan NVR-8 Web"/);
  assert.equal(load(withExamples.replace(", 'Korvan NVR-8 Web'", '')).rules.length, 1);
});

test('products need vendor and model, a sane release year, and must be unique', () => {
  assertRejected([goodRule.replace('{ vendor: Korvan, model: IPC-2120,', '{ vendor: Korvan,')], 'file1.yaml:10', /missing required field "model"/);
  assertRejected([goodRule.replace('{ vendor: Korvan, model', '{ model')], 'file1.yaml:10', /missing required field "vendor"/);
  assertRejected([goodRule.replace('releaseYear: 2014', 'releaseYear: 1985')], 'file1.yaml:10', /releaseYear: must be at least 1990/);
  assertRejected([goodRule.replace('releaseYear: 2014', 'releaseYear: 2101')], 'file1.yaml:10', /must be at most 2100/);
  const duplicate = `products:\n  - { vendor: korvan, model: ipc-2120 }\n`;
  assertRejected([goodRule, duplicate], 'file2.yaml:2', /duplicate product korvan ipc-2120 \(first defined at file1\.yaml:10\)/);
});

test('YAML syntax errors (here a key given twice) are reported with their line', () => {
  assertRejected([`rules:\n  - id: a\n    id: b\n`], 'file1.yaml:3:5', /syntax error: Map keys must be unique/);
});

test('loadRuleFiles reads a folder sorted by name and reports the real path', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-rules-'));
  try {
    writeFileSync(join(directory, 'b.yaml'), `rules:\n  - { id: b1, protocol: ftp, field: banner, pattern: B, sets: { vendor: B } }\n`);
    writeFileSync(join(directory, 'a.yml'), `rules:\n  - { id: a1, protocol: ftp, field: banner, pattern: A, sets: { vendor: A } }\n`);
    writeFileSync(join(directory, 'notes.txt'), 'not a rule file');
    const files = ruleFilesIn(directory);
    assert.deepEqual(files, [join(directory, 'a.yml'), join(directory, 'b.yaml')]);
    assert.deepEqual(
      loadRuleFiles(files).rules.map((rule) => rule.id),
      ['a1', 'b1'],
    );

    writeFileSync(join(directory, 'c.yaml'), `rules:\n  - { id: c1, protocol: ftp, field: banner, pattern: '(', sets: { vendor: C } }\n`);
    assert.throws(
      () => loadRuleFiles(ruleFilesIn(directory)),
      (error: unknown) => {
        assert.ok(error instanceof OpenNoticeError);
        assert.equal(error.context.file, join(directory, 'c.yaml'));
        assert.equal(error.context.line, 2);
        return true;
      },
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
