import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { loadRuleSources, rulePathSources } from './rule-sources.ts';

const operatorRules = fileURLToPath(new URL('../../test/fixtures/operator-rules/', import.meta.url));

function rejected(run: () => unknown, file: string, line: number | undefined, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OpenNoticeError, String(error));
    assert.equal(error.code, 'RULES_INVALID');
    assert.equal(error.context.file, file);
    assert.equal(error.context.line, line);
    assert.match(error.message, message);
    return true;
  });
}

test('a folder gives its YAML rule files and its Recog XML databases; files go by extension', () => {
  const sources = rulePathSources([operatorRules]);
  assert.deepEqual(sources, { ruleFiles: [join(operatorRules, 'local.yaml')], recogFiles: [join(operatorRules, 'acme_http_wwwauth.xml')] });
  const files = rulePathSources([join(operatorRules, 'acme_http_wwwauth.xml'), join(operatorRules, 'local.yaml')]);
  assert.deepEqual(files, { ruleFiles: [join(operatorRules, 'local.yaml')], recogFiles: [join(operatorRules, 'acme_http_wwwauth.xml')] });
});

test('a missing path, an empty folder and a file of another kind are refused before anything loads', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-rule-paths-'));
  try {
    rejected(() => rulePathSources([join(directory, 'absent')]), join(directory, 'absent'), undefined, /cannot read rule path: ENOENT/);
    rejected(() => rulePathSources([directory]), directory, undefined, /holds no rule files/);
    writeFileSync(join(directory, 'notes.txt'), 'x');
    rejected(() => rulePathSources([join(directory, 'notes.txt')]), join(directory, 'notes.txt'), undefined, /not a rule file/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('YAML and Recog rules load as one validated set; the Recog ones are known as such', () => {
  const loaded = loadRuleSources(rulePathSources([operatorRules]));
  assert.deepEqual(
    loaded.ruleSet.rules.map((rule) => rule.id),
    [
      'local-acme-realm',
      'local-borealis-title',
      'recog-acme-http-wwwauth-1',
      'recog-acme-http-wwwauth-2',
      'recog-acme-http-wwwauth-3',
      'recog-acme-http-wwwauth-4',
      'recog-acme-http-wwwauth-5',
    ],
  );
  assert.deepEqual(
    [...loaded.recogRuleIds].sort(),
    loaded.ruleSet.rules.slice(2).map((rule) => rule.id),
  );
  assert.deepEqual(loaded.recog, { databases: 1, imported: 5, leftOut: 1 });
  // A converted rule remembers its XML file and the line of its fingerprint, for messages and `explain`.
  const quasar = loaded.ruleSet.rules.find((rule) => rule.id === 'recog-acme-http-wwwauth-5');
  assert.deepEqual(quasar?.source, { file: join(operatorRules, 'acme_http_wwwauth.xml'), line: 35 });
});

test('a Recog database loaded twice is a duplicate, named with the XML file and line, like a YAML one', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-rule-paths-'));
  try {
    const copy = join(directory, 'acme_http_wwwauth.xml');
    writeFileSync(
      copy,
      '<?xml version="1.0"?>\n<fingerprints matches="http_header.wwwauth">\n  <fingerprint pattern="^Basic realm=&quot;Acme&quot;$">\n    <param pos="0" name="hw.vendor" value="Acme"/>\n  </fingerprint>\n</fingerprints>\n',
    );
    rejected(
      () => loadRuleSources({ ruleFiles: [], recogFiles: [join(operatorRules, 'acme_http_wwwauth.xml'), copy] }),
      copy,
      3,
      /duplicate rule id "recog-acme-http-wwwauth-1" \(first defined at .*operator-rules\/acme_http_wwwauth\.xml:5\)/,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('broken XML, and XML that is not a Recog database, stop the load with the file and line', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-rule-paths-'));
  try {
    const broken = join(directory, 'broken.xml');
    writeFileSync(broken, '<fingerprints matches="ftp.banner">\n  <fingerprint pattern="x">\n</fingerprints>\n');
    rejected(() => loadRuleSources({ ruleFiles: [], recogFiles: [broken] }), broken, 3, /fingerprint/);
    const other = join(directory, 'pom.xml');
    writeFileSync(other, '<?xml version="1.0"?>\n<project>\n</project>\n');
    rejected(() => loadRuleSources({ ruleFiles: [], recogFiles: [other] }), other, 2, /not a Recog fingerprint database: the root element is <project>/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
