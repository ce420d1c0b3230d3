import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { GrabResult, ServiceObservation } from '../core/records.ts';
import { createRankedIdentifier } from './precedence.ts';
import { loadRuleSources, rulePathSources } from './rule-sources.ts';

// Our rules (an operator's local.yaml) and a Recog database (acme_http_wwwauth.xml) that
// agrees with them, completes them, contradicts them twice over and knows a vendor they don't.
const operatorRules = fileURLToPath(new URL('../../test/fixtures/operator-rules/', import.meta.url));
const withRecog = createRankedIdentifier(loadRuleSources(rulePathSources([operatorRules])));

function page(result: GrabResult): ServiceObservation[] {
  return [{ ip: '192.0.2.7', port: 80, protocol: 'http', status: 'success', result, durationMs: 1, observedAt: '2025-01-01T00:00:00Z' }];
}
const challenge = (realm: string) => ({ status: 401, headers: { 'www-authenticate': `Basic realm="${realm}"` }, auth: { scheme: 'basic', realm } });

test('a vendor our rules name stands, even against more Recog votes for another', () => {
  const observations = page(challenge('Acme Cam C200'));
  // Two Recog fingerprints claim this realm for Zenith (0.7 + 0.7 against our 0.8) …
  const zenithVotes = withRecog.match(observations).filter((match) => match.facts.vendor === 'Zenith');
  assert.equal(zenithVotes.length, 2);
  // … but our rule's vendor and model are the identity; only the Recog rule that agrees is evidence.
  const identity = withRecog.identify('192.0.2.7', observations);
  assert.deepEqual([identity?.vendor, identity?.model, identity?.deviceType], ['Acme', 'C200', 'ip-camera']);
  assert.deepEqual(
    identity?.evidence.map((item) => item.ruleId),
    ['local-acme-realm', 'recog-acme-http-wwwauth-1'],
  );
});

test('a Recog rule that gives another model than ours is not evidence', () => {
  const loaded = loadRuleSources(rulePathSources([operatorRules]));
  // The same database with its Acme model read one letter short: it now disagrees with our rule.
  const shortModels = loaded.ruleSet.rules.map((rule) =>
    rule.id === 'recog-acme-http-wwwauth-1' ? { ...rule, pattern: /^Basic realm="Acme Cam (?<model>[A-Z]\d{2})/m } : rule,
  );
  const identifier = createRankedIdentifier({ ...loaded, ruleSet: { ...loaded.ruleSet, rules: shortModels } });
  const identity = identifier.identify('192.0.2.7', page(challenge('Acme Cam C100')));
  assert.deepEqual([identity?.vendor, identity?.model], ['Acme', 'C100']);
  assert.deepEqual(
    identity?.evidence.map((item) => item.ruleId),
    ['local-acme-realm'],
  );
});

test('Recog completes what ours leave open for the same vendor: here the model', () => {
  const identity = withRecog.identify('192.0.2.7', page({ title: 'Borealis Router', ...challenge('Borealis Router R9') }));
  assert.deepEqual([identity?.vendor, identity?.model, identity?.deviceType], ['Borealis', 'R9', 'router']);
});

test('where our rules name no vendor, Recog decides', () => {
  const identity = withRecog.identify('192.0.2.7', page(challenge('Quasar NVR')));
  assert.deepEqual([identity?.vendor, identity?.deviceType], ['Quasar', 'dvr']);
  assert.equal(withRecog.identify('192.0.2.7', page(challenge('tinyhttpd'))), undefined, 'software-only fingerprints were left out');
});

test('without Recog databases the identifier is the plain engine', () => {
  const ours = createRankedIdentifier(loadRuleSources({ ruleFiles: [`${operatorRules}local.yaml`], recogFiles: [] }));
  assert.equal(ours.identify('192.0.2.7', page(challenge('Quasar NVR'))), undefined);
  assert.equal(ours.identify('192.0.2.7', page(challenge('Acme Cam C200')))?.vendor, 'Acme');
});

test('a host our rules know only by its software gets Recog’s vendor, and keeps its software', () => {
  const components = fileURLToPath(new URL('./rules/components.yaml', import.meta.url));
  const identifier = createRankedIdentifier(
    loadRuleSources({ ruleFiles: [components, `${operatorRules}local.yaml`], recogFiles: [`${operatorRules}acme_http_wwwauth.xml`] }),
  );
  const observations = page({ ...challenge('Quasar NVR'), headers: { server: 'lighttpd/1.4.35', 'www-authenticate': 'Basic realm="Quasar NVR"' } });
  const identity = identifier.identify('192.0.2.7', observations);
  assert.equal(identity?.vendor, 'Quasar');
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version]),
    [['lighttpd', '1.4.35']],
  );
});
