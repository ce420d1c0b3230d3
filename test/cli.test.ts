// The CLI as a user runs it: a child process, its exit status, what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../src/lab/lab.ts';
import { writeSyntheticFeed } from '../src/lab/vuln-feed.ts';
import { commands } from '../src/cli/commands/index.ts';
import { scoreCredentialFindings } from '../src/lab/score-against-truth.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function cli(args: string[], options: { cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { cwd: options.cwd, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('every command has --help; unknown commands and options are usage errors', async () => {
  const overview = await cli(['--help']);
  assert.equal(overview.code, 0);
  for (const command of commands) {
    assert.match(overview.stdout, new RegExp(`\\b${command.name}\\b`));
    const help = await cli([command.name, '--help']);
    assert.equal(help.code, 0, command.name);
    assert.match(help.stdout, new RegExp(`^Usage: opennotice ${command.name}`));
  }
  assert.equal((await cli(['frobnicate'])).code, 2);
  const badOption = await cli(['survey', '--no-such-option']);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /no-such-option/);
});

test('a scope outside loopback without a plan is refused, saying what is needed', async () => {
  const result = await cli(['survey', '--target', '100.1.0.0/24', '--db', ':memory:']);
  assert.equal(result.code, 4);
  assert.match(result.stderr, /survey plan/);
  assert.match(result.stderr, /--plan FILE/);
});

test('a plan with missing fields is refused with every missing field named', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-cli-'));
  try {
    const plan = join(directory, 'plan.yaml');
    writeFileSync(plan, 'operator:\n  name: Someone\nranges: [198.51.100.0/24]\n');
    const result = await cli(['survey', '--plan', plan, '--db', ':memory:']);
    assert.equal(result.code, 4);
    for (const field of ['operator.contact', 'sourceAddresses', 'checks', 'rates']) assert.match(result.stderr, new RegExp(field.replace('.', '\\.')));
    const example = await cli(['survey', '--plan', fileURLToPath(new URL('../examples/survey-plan.yaml', import.meta.url)), '--db', ':memory:']);
    assert.equal(example.code, 4, 'the example plan names source addresses this host does not have');
    assert.match(example.stderr, /source address 203\.0\.113\.10/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('survey --input takes open ports from a ZMap file; findings and runs read the store', async () => {
  const cidr = '127.207.0.0/24';
  const lab = await startLab({ cidr, seed: 4, deviceCount: 40, hostile: false });
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-cli-'));
  try {
    const zmapFile = join(directory, 'zmap.csv');
    const rows = lab.truth.devices.flatMap((device) => device.services.map((service) => `${device.ip},${service.port},synack,1`));
    // An address outside --target: the survey must ignore it, not contact it.
    rows.push('127.208.0.1,23,synack,1', `${lab.truth.devices[0]!.ip},9,rst,0`);
    writeFileSync(zmapFile, `saddr,sport,classification,success\n${rows.join('\n')}\n`);
    const db = join(directory, 'store.sqlite');
    const noData = await cli(['survey', '--target', cidr, '--input', zmapFile, '--check', 'firmware', '--db', db, '--quiet']);
    assert.equal(noData.code, 2, 'the firmware check refuses to run without vulnerability data');
    assert.match(noData.stderr, /feeds import/);
    const feedFile = join(directory, 'feed.json');
    writeSyntheticFeed(feedFile);
    const imported = await cli(['feeds', 'import', feedFile, '--db', db]);
    assert.equal(imported.code, 0, imported.stderr);
    const corrupt = join(directory, 'corrupt.json');
    writeFileSync(corrupt, '{"vulnerabilities": [');
    const bad = await cli(['feeds', 'import', corrupt, '--db', db]);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /corrupt\.json/);
    const survey = await cli([
      'survey',
      '--target',
      cidr,
      '--input',
      zmapFile,
      '--check',
      'credentials',
      '--check',
      'firmware',
      // The lab's bound, as a plan would set it: the default would offer each strong lab device all ~600 pairs.
      '--max-attempts-per-service',
      '40',
      '--max-attempts-per-host',
      '100',
      '--db',
      db,
      '--json',
      '--quiet',
    ]);
    assert.equal(survey.code, 0, survey.stderr);
    const summary = JSON.parse(survey.stdout) as { openPorts: number; targets: number };
    assert.equal(summary.openPorts, rows.length - 2, 'in-scope open rows only');
    assert.match(survey.stderr, /imported/i);

    const findings = await cli(['findings', '--db', db, '--json']);
    assert.equal(findings.code, 0);
    const score = scoreCredentialFindings(lab.truth, JSON.parse(findings.stdout));
    assert.equal(score.recall, 1);
    assert.equal(score.precision, 1);
    const csv = await cli(['findings', '--db', db, '--csv']);
    assert.match(csv.stdout.split('\n')[0]!, /^ip,port,protocol,kind/);
    const table = await cli(['findings', '--db', db]);
    assert.match(table.stdout, /weak-credential/);

    const runs = await cli(['runs', '--db', db, '--json']);
    assert.equal(JSON.parse(runs.stdout).length, 1);

    // Only the synthetic feed was imported: the real-product devices' CVEs are out of reach here.
    const synthetic = new Set(lab.truth.vulnerabilityFeed.synthetic);
    const expectedCves = new Set(lab.truth.devices.flatMap((device) => device.vulnerabilities).filter((cveId) => synthetic.has(cveId)));
    const vulns = await cli(['vulns', '--db', db, '--json']);
    assert.equal(vulns.code, 0);
    const listed = JSON.parse(vulns.stdout) as Array<{ cveId: string; devices: number; priority: number }>;
    assert.deepEqual(new Set(listed.map((entry) => entry.cveId)), expectedCves, 'every synthetic CVE the lab devices carry, nothing else');
    assert.ok(
      listed.every((entry, index) => index === 0 || listed[index - 1]!.priority >= entry.priority),
      'sorted by priority',
    );
    const status = await cli(['feeds', 'status', '--db', db]);
    assert.equal(status.code, 0);
  } finally {
    await lab.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
