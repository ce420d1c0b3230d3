// The tracking loop on a live lab: notify, owners fix some devices, re-surveys check only
// what was notified, and a finding closes after two misses, dated by the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAttributor, createIspRegistry, createPrefixTable } from '../src/attribution/index.ts';
import { main } from '../src/cli/main.ts';
import { resurveyNotified } from '../src/track/resurvey.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { labIsps } from '../src/lab/isps.ts';
import { startLab } from '../src/lab/lab.ts';
import { attributeFindings } from '../src/notify/attribute-findings.ts';
import { buildIspReports } from '../src/notify/build-reports.ts';
import { loadMessageTemplates } from '../src/notify/messages/templates.ts';
import { openStore } from '../src/store/open-store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';

const dayMs = 86_400_000;
const request = (cidr: string): SurveyRequest => ({
  targets: [cidr],
  checks: ['credentials'],
  ports: [21, 22, 23, 80, 2323, 8080],
  // TCP only: the lab's owners fix weak logins, not reflectors, and this test counts what they fix.
  udpPorts: [],
  seed: 3,
  limits: {
    perHostConcurrent: 2,
    connectTimeoutMs: 1000,
    ioTimeoutMs: 1500,
    deadlineMs: 5000,
    maxBytes: 262_144,
    maxAttemptsPerService: 40,
    maxAttemptsPerHost: 100,
  },
});

/** Captures what a CLI command prints. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(args), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

test('re-surveys check only notified findings and close the fixed ones after two misses, dated by the first', async () => {
  const cidr = '127.206.0.0/24';
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-track-'));
  const db = join(directory, 'track.sqlite');
  const lab = await startLab({ cidr, seed: 7, deviceCount: 140, hostile: false });
  const store = await openStore(db);
  const start = Date.parse('2026-03-02T09:00:00.000Z');
  let day = 0;
  const now = () => new Date(start + day * dayMs);
  try {
    const deps = { ...createSurveyDeps({ store }), now };
    await runSurvey(request(cidr), deps);
    const network = labIsps(cidr);
    await store.upsertIsps(network.isps);
    const attributor = createAttributor({ table: createPrefixTable(network.prefixes), registry: createIspRegistry(await store.listIsps()) });
    await attributeFindings(store, (ip) => attributor.attributeSync(ip));
    await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@test.invalid', now: now().toISOString() });

    const open = await store.listNotifiableFindings({ status: 'open' });
    const notified = await store.notificationTimes();
    const notifiedFindings = open.filter((finding) => notified.has(finding.id));
    const unnotified = open.filter((finding) => !notified.has(finding.id));
    assert.ok(notifiedFindings.length >= 10, `enough notified findings (${notifiedFindings.length})`);
    assert.ok(unnotified.length > 0, 'some findings sit in unregistered or unrouted space and were not notified');
    const notifiedIps = [...new Set(notifiedFindings.map((finding) => finding.ip))].sort();
    const fixedIps = new Set(notifiedIps.filter((_, index) => index % 2 === 0));
    for (const ip of fixedIps) assert.equal(lab.remediate(ip), true, ip);
    // Unnotified devices are fixed too: nobody re-checks them, so their findings must stay open.
    for (const finding of unnotified) lab.remediate(finding.ip);

    day = 7;
    const first = await resurveyNotified({ store, request: request(cidr), deps, closeAfterMisses: 2 });
    const targets = new Set(first.plan.targets.map((target) => target.ip));
    assert.deepEqual([...targets].sort(), notifiedIps, 'exactly the notified addresses are dialled');
    assert.equal(first.plan.leftOut.notNotified, unnotified.length);
    const onFixed = notifiedFindings.filter((finding) => fixedIps.has(finding.ip));
    assert.equal(first.summary!.reconciliation.closed, 0, 'one miss closes nothing');
    assert.equal(first.summary!.reconciliation.missed, onFixed.length);

    day = 14;
    const second = await resurveyNotified({ store, request: request(cidr), deps, closeAfterMisses: 2 });
    assert.equal(second.summary!.reconciliation.closed, onFixed.length);
    const after = await store.listNotifiableFindings();
    const closed = after.filter((finding) => finding.status === 'closed');
    assert.deepEqual(
      closed.map((finding) => finding.id).sort(),
      onFixed.map((finding) => finding.id).sort(),
      'closed = the findings on fixed devices, nothing else',
    );
    assert.ok(
      closed.every((finding) => finding.closedAt === new Date(start + 7 * dayMs).toISOString()),
      'dated by the first miss (day 7)',
    );
    assert.ok(
      unnotified.every((finding) => after.find((row) => row.id === finding.id)!.status === 'open'),
      'findings never notified are not re-checked',
    );

    await store.close();
    const report = await cli(['track', 'effectiveness', '--db', db, '--by', 'kind', '--json', '--as-of', new Date(start + 14 * dayMs).toISOString()]);
    assert.equal(report.code, 0, report.stderr);
    const tables = JSON.parse(report.stdout).tables.kind as Array<{
      key: string;
      figures: { findings: number; remediated: number; rateWithin: Record<string, number | null> };
    }>;
    assert.equal(
      tables.reduce((sum, row) => sum + row.figures.findings, 0),
      notifiedFindings.length,
    );
    assert.equal(
      tables.reduce((sum, row) => sum + row.figures.remediated, 0),
      onFixed.length,
    );
    const weak = tables.find((row) => row.key === 'weak-credential')!;
    const weakFixed = onFixed.filter((finding) => finding.kind === 'weak-credential').length;
    const weakAll = notifiedFindings.filter((finding) => finding.kind === 'weak-credential').length;
    assert.equal(weak.figures.rateWithin['7'], weakFixed / weakAll, 'all fixes fall on day 7, every finding watched 14 days');
    assert.equal(weak.figures.rateWithin['30'], null, 'nobody was watched 30 days yet');

    const target = onFixed[0]!;
    const given = await cli(['track', 'feedback', String(target.id), 'device-replaced', '--note', 'new router sent', '--db', db]);
    assert.equal(given.code, 0, given.stderr);
    const wrong = await cli(['track', 'feedback', String(target.id), 'fixed-it', '--db', db]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /handled, subscriber-contacted, device-replaced, false-positive/);
    const listed = await cli(['track', 'feedback', '--db', db, '--json']);
    assert.deepEqual(
      JSON.parse(listed.stdout).map((row: { findingId: number; action: string; note: string; ispId: string }) => [
        row.findingId,
        row.action,
        row.note,
        row.ispId,
      ]),
      [[target.id, 'device-replaced', 'new router sent', target.attribution.ispId]],
    );
  } finally {
    await store.close().catch(() => undefined);
    await lab.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
