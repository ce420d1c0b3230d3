// `opennotice survey --plan-probes` end to end: a child process surveys a small lab once in
// full, then a planned round dials a share of the sweep chosen from what the first round stored
// and finds the same findings; an excluded address is never dialed; bad budgets are usage errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startLab, type LabHandle } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const cidr = '127.153.7.0/24';
const ports = '21,22,23,80,443,554,1883,2323,5555,7547,8080,8443';
const sweep = 256 * ports.split(',').length;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { maxBuffer: 1 << 26, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let lab: LabHandle;
let directory: string;
before(async () => {
  lab = await startLab({ cidr, seed: 15, deviceCount: 14, hostile: false });
  directory = mkdtempSync(join(tmpdir(), 'opennotice-plan-probes-'));
});
after(async () => {
  await lab?.close();
  rmSync(directory, { recursive: true, force: true });
});

// The lab's bound, as a plan would set it: the default offers each strong lab device every shipped pair.
const common = [
  '--target',
  cidr,
  '--ports',
  ports,
  '--udp-ports',
  '',
  '--check',
  'credentials',
  '--max-probes',
  '2',
  '--max-attempts-per-service',
  '40',
  '--max-attempts-per-host',
  '100',
];

test('a planned round dials a tenth of the sweep, re-finds every finding of the full sweep, and never dials an excluded address', async () => {
  const db = join(directory, 'store.sqlite');
  const full = await cli(['survey', ...common, '--db', db, '--json', '--quiet']);
  assert.equal(full.code, 0, full.stderr);
  const fullSummary = JSON.parse(full.stdout) as { runId: number; targets: number; services: number; findings: Record<string, number> };
  assert.equal(fullSummary.targets, sweep);
  const fullFindings = Object.values(fullSummary.findings).reduce((sum, count) => sum + count, 0);
  assert.ok(fullFindings > 0, 'the lab has findings to re-find');

  const excluded = lab.truth.devices.find((device) => device.services.length > 0)!.ip;
  const planned = await cli(['survey', ...common, '--plan-probes', '10%', '--exclude', `${excluded}/32`, '--db', db, '--json']);
  assert.equal(planned.code, 0, planned.stderr);
  const plannedSummary = JSON.parse(planned.stdout) as { runId: number; targets: number; services: number; findings: Record<string, number> };
  // The excluded address is out of the sweep too: 255 addresses on each port.
  const plannedSweep = sweep - ports.split(',').length;
  assert.match(
    planned.stderr,
    new RegExp(`planned ${Math.floor(plannedSweep * 0.1)} of the full sweep's ${plannedSweep} probes \\(exploration \\d+, known \\d+`),
  );
  assert.ok(plannedSummary.targets <= Math.floor(plannedSweep * 0.1), `${plannedSummary.targets} targets dialed`);

  const store = await openStore(db);
  try {
    const services = await store.listServices();
    const excludedServices = services.filter((service) => service.ip === excluded);
    assert.ok(
      excludedServices.length > 0 && excludedServices.every((service) => service.lastRunId === fullSummary.runId),
      'the excluded address was not surveyed again',
    );
    const others = services.filter((service) => service.ip !== excluded && service.lastRunId === fullSummary.runId);
    assert.deepEqual(others, [], 'every other known service was re-probed by the planned round');
    const findings = await store.listFindings();
    const reFound = findings.filter((finding) => finding.ip !== excluded);
    assert.ok(reFound.length > 0);
    for (const finding of reFound) assert.equal(finding.lastRunId, plannedSummary.runId, `${finding.ip}:${finding.port} ${finding.kind} seen again`);
    assert.ok(
      findings.every((finding) => finding.status === 'open'),
      'nothing was closed: the lab did not change',
    );
  } finally {
    await store.close();
  }
});

test('--plan-probes refuses budgets that are not a share or a count, and sources it cannot plan', async () => {
  const db = join(directory, 'errors.sqlite');
  for (const budget of ['0%', '150%', 'lots', '0']) {
    const result = await cli(['survey', '--target', cidr, '--plan-probes', budget, '--db', db, '--quiet']);
    assert.equal(result.code, 2, `${budget}: ${result.stderr}`);
    assert.match(result.stderr, /--plan-probes/);
  }
  const withInput = await cli(['survey', '--target', cidr, '--plan-probes', '20%', '--input', join(directory, 'none.csv'), '--db', db]);
  assert.equal(withInput.code, 2);
  assert.match(withInput.stderr, /does not combine with --input/);
});
