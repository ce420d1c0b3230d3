import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceObservation } from '../core/records.ts';
import { openStore } from '../store/open-store.ts';
import { runSurvey } from '../survey/run-survey.ts';
import { createSurveyDeps, labRulesDirectory, surveyRuleFiles, surveyRuleSources } from './survey-deps.ts';

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
    [
      'cameras.yaml',
      'common.yaml',
      'components.yaml',
      'critical-modbus-enip-bacnet.yaml',
      'critical.yaml',
      'discovery.yaml',
      'industrial-s7-iec104-fox.yaml',
      'iot.yaml',
      'nas.yaml',
      'printers.yaml',
      'routers.yaml',
    ],
  );
  assert.ok(real.every((file) => file.includes('/identify/rules/')));
  const lab = surveyRuleFiles({ labRules: true });
  assert.deepEqual(lab.slice(0, real.length), real);
  assert.deepEqual(
    lab.slice(real.length).map((file) => basename(file)),
    ['critical-ics-b.yaml', 'critical-monitors.yaml', 'fictional-vendors.yaml', 'real-products.yaml'],
  );
  assert.ok(existsSync(labRulesDirectory) && labRulesDirectory.endsWith('/lab/rules/'));
});

test('an operator’s own rule files replace the shipped ones; the lab’s are still added only when asked for', () => {
  assert.deepEqual(surveyRuleFiles({ labRules: false, ruleFiles: ['/etc/opennotice/rules/local.yaml'] }), ['/etc/opennotice/rules/local.yaml']);
  // The operator's file and the lab's four.
  assert.equal(surveyRuleFiles({ labRules: true, ruleFiles: ['/etc/opennotice/rules/local.yaml'] }).length, 5);
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

const operatorRules = fileURLToPath(new URL('../../test/fixtures/operator-rules/', import.meta.url));
const challenge = (realm: string): ServiceObservation => ({
  ...velmoraPage,
  result: { status: 401, headers: { 'www-authenticate': `Basic realm="${realm}"` }, auth: { scheme: 'basic', realm } },
});

test('a survey’s own rule paths (--rules DIR: YAML and Recog XML) load beside the shipped rules, ours first', async () => {
  const sources = surveyRuleSources({ labRules: false, operatorRules: [operatorRules] });
  assert.deepEqual(sources.ruleFiles.slice(-1), [join(operatorRules, 'local.yaml')]);
  assert.deepEqual(sources.recogFiles, [join(operatorRules, 'acme_http_wwwauth.xml')]);
  const store = await openStore(':memory:');
  try {
    const identify = createSurveyDeps({ store }).identification({ loopbackOnly: false }, [operatorRules]);
    assert.equal(identify('192.0.2.9', [challenge('NETGEAR R7000')])?.model, 'R7000', 'the shipped rules still apply');
    assert.equal(identify('192.0.2.9', [challenge('Quasar NVR')])?.vendor, 'Quasar', 'a vendor only Recog knows');
    assert.equal(identify('192.0.2.9', [challenge('Acme Cam C200')])?.vendor, 'Acme', 'ours outrank the Recog fingerprints that say Zenith');
    assert.equal(createSurveyDeps({ store }).identification({ loopbackOnly: false })('192.0.2.9', [challenge('Quasar NVR')]), undefined);
  } finally {
    await store.close();
  }
});

test('runSurvey hands the request’s rule paths to identification, and a bad path stops it before any packet', async () => {
  const store = await openStore(':memory:');
  try {
    const deps = createSurveyDeps({ store });
    const asked: Array<readonly string[] | undefined> = [];
    const request = { targets: ['127.0.0.1/32'], discovery: { kind: 'open-ports' as const, openPorts: [] }, rules: [operatorRules] };
    await runSurvey(request, {
      ...deps,
      identification: (scope, rules) => {
        asked.push(rules);
        return deps.identification(scope, rules);
      },
    });
    assert.deepEqual(asked, [[operatorRules]]);
    await assert.rejects(runSurvey({ ...request, rules: [join(operatorRules, 'absent')] }, deps), /cannot read rule path/);
    assert.equal((await store.listRuns()).length, 1, 'the failed survey never started a run');
  } finally {
    await store.close();
  }
});
