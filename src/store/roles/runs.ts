/**
 * Survey runs: what each run was started with (scope, ports, checks, the approved plan) and
 * how it ended. Every other record of a survey (services, devices, findings, attempts,
 * darknet windows) points at the run that produced it.
 */

/** Which approved survey plan a run acted under (the audit trail hangs off this). */
export interface PlanReference {
  /** Path of the plan file as the operator gave it. */
  file: string;
  /** SHA-256 (hex) of the plan file bytes: proves which version of the plan was used. */
  sha256: string;
  /** Who is accountable, e.g. "Jane Doe <jane@example.net>, Example ISP CSIRT". */
  operator: string;
}

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunStart {
  startedAt: string;
  /** Seed of the address permutation (or of the lab), so a run can be replayed. */
  seed?: number | string;
  /** CIDRs surveyed. */
  scope: string[];
  exclude: string[];
  ports: number[];
  /** Enabled checks, e.g. ['discovery', 'identify', 'credentials']. */
  checks: string[];
  plan?: PlanReference;
}

export interface RunFinish {
  finishedAt: string;
  status: Exclude<RunStatus, 'running'>;
  /** Free-form totals the runner wants to keep (ports found, services, findings …). */
  counts: Record<string, number>;
}

/** Continuing a stopped run (`survey --resume`). */
export interface RunResumption {
  /**
   * When work continues. The runs table keeps the start time only; the audit trail records
   * this (a store without the trail ignores it).
   */
  resumedAt: string;
}

/** A stored run: what it was started with, and how it ended. */
export interface RunRow extends RunStart {
  id: number;
  finishedAt?: string;
  status: RunStatus;
  counts: Record<string, number>;
}

/**
 * Starting, finishing and reading survey runs.
 * @example
 * const runId = await store.startRun({ startedAt: new Date().toISOString(), scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] })
 * await store.finishRun(runId, { finishedAt: new Date().toISOString(), status: 'completed', counts: {} })
 */
export interface RunStore {
  /** A new run in status 'running'; returns its id. */
  startRun(run: RunStart): Promise<number>;
  /** Fails (STORE_FAILED) when there is no run with that id. */
  finishRun(runId: number, finish: RunFinish): Promise<void>;
  /**
   * Continue a stopped run: it is 'running' again, without a finish time, until finishRun.
   * Returns the run as it was before (what the work continues from). Fails (STORE_FAILED)
   * when there is no run with that id.
   */
  resumeRun(runId: number, resumption: RunResumption): Promise<RunRow>;
  /** Every run, oldest first. */
  listRuns(): Promise<RunRow[]>;
  /** The run, or undefined when there is no run with that id. */
  getRun(runId: number): Promise<RunRow | undefined>;
}
