import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { readConfigFile } from './config-file.ts';
import { rulePathsFromOptions, storeLocationFromOptions, surveyRequestFromOptions } from './survey-options.ts';

function withFolder(run: (folder: string) => void): void {
  const folder = mkdtempSync(join(tmpdir(), 'opennotice-config-'));
  try {
    run(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('rule paths in a configuration file are relative to the file, kept in order', () => {
  withFolder((folder) => {
    const file = join(folder, 'opennotice.yaml');
    writeFileSync(file, 'rules:\n  - rules\n  - /srv/recog/xml\n');
    assert.deepEqual(readConfigFile(file), { rules: [join(folder, 'rules'), '/srv/recog/xml'] });
    writeFileSync(file, '# nothing configured yet\n');
    assert.deepEqual(readConfigFile(file), { rules: [] });
  });
});

test('an unknown key or a rule path that is not text is refused with its line', () => {
  withFolder((folder) => {
    const file = join(folder, 'opennotice.yaml');
    const refused = (text: string, line: number, message: RegExp) => {
      writeFileSync(file, text);
      assert.throws(
        () => readConfigFile(file),
        (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && error.context.line === line && message.test(error.message),
      );
    };
    refused('rules: []\nrule: [a]\n', 2, /unknown field "rule" \(known: rules, store\)/);
    refused('rules:\n  - a\n  - { path: b }\n', 3, /rules\[1\]: expected text/);
    refused('rules: a-single-path\n', 1, /expected a list/);
  });
});

test('--config rules come first, then --rules, all made absolute, into the survey request', () => {
  withFolder((folder) => {
    const file = join(folder, 'opennotice.yaml');
    writeFileSync(file, 'rules: [shared/recog]\n');
    assert.deepEqual(rulePathsFromOptions({ config: file, rules: ['/etc/opennotice/rules', 'with,comma'] }), [
      join(folder, 'shared/recog'),
      '/etc/opennotice/rules',
      join(process.cwd(), 'with,comma'),
    ]);
    const request = surveyRequestFromOptions({ target: ['127.0.0.1/32'], config: file });
    assert.deepEqual(request.rules, [join(folder, 'shared/recog')]);
    assert.equal('rules' in surveyRequestFromOptions({ target: ['127.0.0.1/32'] }), false, 'no rules asked for, none in the request');
  });
});

test('the store comes from --db, else the configuration file (a URL as written, a file relative to it), else opennotice.sqlite', () => {
  withFolder((folder) => {
    const file = join(folder, 'opennotice.yaml');
    writeFileSync(file, 'store: postgres://survey@db.example/opennotice\n');
    assert.equal(storeLocationFromOptions({ config: file }), 'postgres://survey@db.example/opennotice');
    assert.equal(storeLocationFromOptions({ config: file, db: 'other.sqlite' }), 'other.sqlite');
    writeFileSync(file, 'store: var/opennotice.sqlite\n');
    assert.equal(storeLocationFromOptions({ config: file }), join(folder, 'var/opennotice.sqlite'));
    writeFileSync(file, 'rules: []\n');
    assert.equal(storeLocationFromOptions({ config: file }), 'opennotice.sqlite');
    assert.equal(storeLocationFromOptions({}), 'opennotice.sqlite');
    writeFileSync(file, 'store: [a, b]\n');
    assert.throws(
      () => storeLocationFromOptions({ config: file }),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID',
    );
  });
});
