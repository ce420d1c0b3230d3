import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { surveyRequestFromOptions } from './survey-options.ts';

test('the survey options take IPv6: CIDR files of either family, and a hit list passed on by path', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'opennotice-v6-options-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'targets.txt'), '192.0.2.0/24\n2001:DB8:1::/48  # the ISP\n');
  writeFileSync(join(folder, 'exclude.txt'), '2001:db8:1:2::/64\n');
  const request = surveyRequestFromOptions({
    target: ['2001:db8:9::/64'],
    targets: join(folder, 'targets.txt'),
    'exclude-file': join(folder, 'exclude.txt'),
    'hit-list': join(folder, 'hits.txt'),
  });
  assert.deepEqual(request.targets, ['2001:db8:9::/64', '192.0.2.0/24', '2001:db8:1::/48']);
  assert.deepEqual(request.exclude, ['2001:db8:1:2::/64']);
  assert.equal(request.hitList, join(folder, 'hits.txt'));
  assert.equal('hitList' in surveyRequestFromOptions({ target: ['::1'] }), false);
});
