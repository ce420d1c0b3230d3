// The scale benchmark's PostgreSQL write rate: hosts' results written through the survey's own
// saving stage (createSurveyWriter: services upserted, devices, then findings reconciled, in
// batches of 200 hosts, as every worker writes them), against a plain COPY of the same rows
// into bare tables (no keys, no indexes, no triggers) by Debian's psql (`\copy … FROM file`).
// Addresses are text only: nothing here is ever dialled.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Finding, ServiceObservation } from '../src/core/records.ts';
import { openStore } from '../src/store/open-store.ts';
import type { CoveredCheck } from '../src/store/roles/findings.ts';
import type { HostSurveyResult } from '../src/survey/host-survey.ts';
import { createSurveyWriter } from '../src/survey/persist.ts';

const runFile = promisify(execFile);
/** psql loads a few hundred thousand rows in seconds; a hung one must not hang the benchmark. */
const psqlTimeoutMs = 300_000;

export interface WriteRateFigures {
  hosts: number;
  serviceRows: number;
  findingRows: number;
  storeSeconds: number;
  copySeconds: number;
  /** services + findings rows per second through the store. */
  storeRowsPerSecond: number;
  /** The same rows per second through COPY. */
  copyRowsPerSecond: number;
}

/** Host number `index` as a survey would have saved it: telnet, HTTP and RTSP open, a weak telnet login. */
function benchHost(index: number, observedAt: string): HostSurveyResult {
  const ip = `10.${(index >>> 16) & 255}.${(index >>> 8) & 255}.${index & 255}`;
  const service = (port: number, protocol: string, result: Record<string, unknown>): ServiceObservation => ({
    ip,
    port,
    protocol,
    status: 'success',
    result,
    durationMs: 40 + (index % 50),
    observedAt,
  });
  const finding: Finding = {
    kind: 'weak-credential',
    ip,
    port: 23,
    protocol: 'telnet',
    dictionaryEntryId: `mirai-${index % 60}`,
    evidence: { prompt: 'login:', responseClass: 'shell' },
    observedAt,
  };
  const covered: CoveredCheck = { ip, port: 23, protocol: 'telnet', kind: 'weak-credential' };
  return {
    ip,
    observations: [
      service(23, 'telnet', { banner: `(none) login:` }),
      service(80, 'http', { status: 200, server: 'lighttpd/1.4.35', title: `Camera ${index % 40}` }),
      service(554, 'rtsp', { server: 'Hipcam RealServer/V1.0' }),
    ],
    findings: [finding],
    covered: [covered],
    attempts: [],
  };
}

async function psql(url: string, command: string): Promise<number> {
  const started = performance.now();
  await runFile('psql', [url, '--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=1', '-c', command], { timeout: psqlTimeoutMs });
  return (performance.now() - started) / 1000;
}

/**
 * Writes `hosts` hosts (3 services and 1 finding each) into the empty database at `url` through
 * the store, then copies the same rows into bare tables with COPY, and times both.
 * @example const figures = await measureWriteRate(await postgres.createDatabase(), 50_000)
 */
export async function measureWriteRate(url: string, hosts: number): Promise<WriteRateFigures> {
  const store = await openStore(url);
  let storeSeconds: number;
  try {
    const startedAt = new Date().toISOString();
    const runId = await store.startRun({ startedAt, scope: ['10.0.0.0/8'], exclude: [], ports: [23, 80, 554], checks: ['credentials'] });
    const writer = createSurveyWriter(store, runId, { closeAfterMisses: 1 });
    // Hosts are made as they are written, like a survey hands them over, so the figure is the writer's, not an array's.
    const started = performance.now();
    for (let index = 0; index < hosts; index++) await writer.add(benchHost(index, startedAt));
    await writer.flush();
    storeSeconds = (performance.now() - started) / 1000;
  } finally {
    await store.close();
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counted = async (table: string) => Number((await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`)).rows[0]!.count);
  let serviceRows: number;
  let findingRows: number;
  try {
    serviceRows = await counted('services');
    findingRows = await counted('findings');
    // LIKE copies the columns and NOT NULL only: no primary key, index, default or trigger.
    await client.query('CREATE TABLE bare_services (LIKE services)');
    await client.query('CREATE TABLE bare_findings (LIKE findings)');
  } finally {
    await client.end();
  }

  // The very rows the store wrote, exported to files, so COPY loads exactly what the store did.
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-copy-'));
  try {
    const servicesFile = join(directory, 'services.csv');
    const findingsFile = join(directory, 'findings.csv');
    await psql(url, `\\copy services TO '${servicesFile}' CSV`);
    await psql(url, `\\copy findings TO '${findingsFile}' CSV`);
    const copySeconds =
      (await psql(url, `\\copy bare_services FROM '${servicesFile}' CSV`)) + (await psql(url, `\\copy bare_findings FROM '${findingsFile}' CSV`));
    const rows = serviceRows + findingRows;
    return {
      hosts,
      serviceRows,
      findingRows,
      storeSeconds,
      copySeconds,
      storeRowsPerSecond: rows / storeSeconds,
      copyRowsPerSecond: rows / copySeconds,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
