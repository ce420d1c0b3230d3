import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition } from '../../test/support/prometheus-text.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { openObservability } from './observability.ts';

test('--metrics-listen with --log-format json: errors logged are counted by code on the endpoint; only GET and HEAD of /metrics are answered', async () => {
  const lines: string[] = [];
  const watch = await openObservability('serve', { 'metrics-listen': '127.0.0.1:0', 'log-format': 'json' }, { write: (text) => lines.push(text) }, {});
  try {
    assert.ok(watch.endpoint && watch.registry);
    watch.log.error('store failed', new OpenNoticeError('STORE_FAILED', 'disk full', { path: '/srv/notice.sqlite' }));
    watch.log.error('store failed again', new OpenNoticeError('STORE_FAILED', 'disk full'));
    watch.log.error('a bug', new TypeError('x is undefined'));
    const metrics = parseExposition(await (await fetch(watch.endpoint.url)).text());
    assert.equal(metrics.value('opennotice_errors_total', { code: 'STORE_FAILED' }), 2);
    assert.equal(metrics.value('opennotice_errors_total', { code: 'UNEXPECTED' }), 1);
    const head = await fetch(watch.endpoint.url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await fetch(watch.endpoint.url, { method: 'POST' })).status, 405);
    const listening = JSON.parse(lines[0]!) as { event: string; url: string };
    assert.deepEqual([listening.event, listening.url], ['metrics-listening', watch.endpoint.url]);
  } finally {
    await watch.close();
  }
});

test('without --metrics-listen there is no registry and no listener; bad log options are usage errors', async () => {
  const watch = await openObservability('survey', {}, { write: () => true });
  assert.equal(watch.registry, undefined);
  assert.equal(watch.endpoint, undefined);
  assert.equal(watch.log.structured, false);
  await watch.close();
  for (const values of [{ 'log-format': 'xml' }, { 'log-level': 'loud' }, { 'metrics-listen': 'nowhere' }]) {
    await assert.rejects(
      openObservability('survey', values, { write: () => true }),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE',
    );
  }
});
