import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ServiceObservation } from '../core/records.ts';
import { openStore } from '../store/open-store.ts';
import { createSurveyDeps, labRulesDirectory, surveyRuleFiles } from './survey-deps.ts';

const velmoraPage: ServiceObservation = {
  ip: '127.0.0.9',
  port: 80,
  protocol: 'http',
  status: 'success',
  result: { status: 200, title: 'Velmora WEB', headers: {} },
  durationMs: 1,
  observedAt: '2026-01-01T00:00:00Z',
};

test('a real survey loads only the shipped real-world rules; a survey of the lab adds the lab’s', () => {
  const real = surveyRuleFiles({ labRules: false });
  assert.deepEqual(
    real.map((file) => basename(file)),
    ['cameras.yaml', 'common.yaml', 'iot.yaml', 'nas.yaml', 'printers.yaml', 'routers.yaml'],
  );
  assert.ok(real.every((file) => file.includes('/identify/rules/')));
  const lab = surveyRuleFiles({ labRules: true });
  assert.deepEqual(lab.slice(0, real.length), real);
  assert.deepEqual(
    lab.slice(real.length).map((file) => basename(file)),
    ['fictional-vendors.yaml', 'real-products.yaml'],
  );
  assert.ok(existsSync(labRulesDirectory) && labRulesDirectory.endsWith('/lab/rules/'));
});

test('an operator’s own rule files replace the shipped ones; the lab’s are still added only when asked for', () => {
  assert.deepEqual(surveyRuleFiles({ labRules: false, ruleFiles: ['/etc/opennotice/rules/local.yaml'] }), ['/etc/opennotice/rules/local.yaml']);
  assert.equal(surveyRuleFiles({ labRules: true, ruleFiles: ['/etc/opennotice/rules/local.yaml'] }).length, 3);
  assert.equal(surveyRuleFiles({ labRules: false, ruleFiles: [] }).length, 0);
});

test('the survey identifies a fictional lab vendor only when its scope is all on loopback', async () => {
  const store = await openStore(':memory:');
  try {
    const deps = createSurveyDeps({ store });
    assert.equal(deps.identification({ loopbackOnly: false })('127.0.0.9', [velmoraPage]), undefined);
    assert.equal(deps.identification({ loopbackOnly: true })('127.0.0.9', [velmoraPage])?.vendor, 'Velmora');
  } finally {
    await store.close();
  }
});
