import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../../core/errors.ts';
import { loadResearchScanners, researchRangesOf } from '../../darknet/classify/research-scanners.ts';
import { darknetContext, requireDarknet, researchRanges } from './context.ts';

const base = { db: 'x.sqlite', 'quiet-days': '7' };

test('research ranges: the shipped list by default, else --research as YAML or as a CIDR list', () => {
  assert.deepEqual(researchRanges(darknetContext(base)), researchRangesOf(loadResearchScanners()));
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-research-'));
  try {
    const yaml = join(directory, 'mine.yaml');
    writeFileSync(yaml, 'version: 1\nscanners:\n  - { organisation: Us, source: "https://us.example/scan", ranges: [100.24.0.0/16] }\n');
    assert.deepEqual(researchRanges(darknetContext({ ...base, research: yaml })), ['100.24.0.0/16']);
    const list = join(directory, 'lab-research.txt');
    writeFileSync(list, '# the lab capture\n203.0.113.0/24\n');
    assert.deepEqual(researchRanges(darknetContext({ ...base, research: list })), ['203.0.113.0/24']);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('--darknet has no default: subcommands that read captures ask for it', () => {
  assert.throws(
    () => requireDarknet(darknetContext(base), 'ingest'),
    (error) => error instanceof OpenNoticeError && error.code === 'USAGE' && /ingest needs --darknet CIDR/.test(error.message),
  );
  assert.equal(requireDarknet(darknetContext({ ...base, darknet: '198.51.100.0/22' }), 'stats'), '198.51.100.0/22');
});
