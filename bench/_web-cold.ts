// Where the dashboard's cold request spends its time: the figure cache's two whole-store reads
// (dashboardAggregates, listTrackedFindings) and the shaping in JavaScript (remediationRows
// runs the effectiveness figures per ISP; composeFigures the rest), then the SQL parts of the aggregates one by
// one, slice by slice as the store runs them. Read-only; run on the benchmark's store file.
import { DatabaseSync } from 'node:sqlite';
import { composeFigures, remediationRows } from '../src/server/dashboard/figures.ts';
import { openStore } from '../src/store/open-store.ts';
import { effectiveness } from '../src/track/effectiveness.ts';
import {
  AGGREGATE_SLICE_IDS,
  createFindingAccumulator,
  createInterner,
  readFindingIdExtent,
  readSmallAggregates,
  readTrackedSlice,
} from '../src/store/sqlite/dashboard.ts';

export interface ColdStep {
  step: string;
  ms: number;
  note?: string;
}

async function timed<T>(steps: ColdStep[], step: string, work: () => T | Promise<T>, note?: (value: T) => string): Promise<T> {
  const started = performance.now();
  const value = await work();
  steps.push({ step, ms: performance.now() - started, ...(note ? { note: note(value) } : {}) });
  return value;
}

/**
 * @example for (const { step, ms } of await coldBreakdown(file)) console.log(step, ms)
 */
export async function coldBreakdown(file: string): Promise<ColdStep[]> {
  const steps: ColdStep[] = [];
  const store = await openStore(file);
  try {
    const aggregates = await timed(steps, 'store.dashboardAggregates()', () => store.dashboardAggregates());
    const tracked = await timed(
      steps,
      'store.listTrackedFindings()',
      () => store.listTrackedFindings(),
      (rows) => `${rows.length.toLocaleString('en')} rows`,
    );
    const asOf = new Date().toISOString();
    const rows = await timed(steps, 'remediationRows() (effectiveness per ISP and overall)', () => remediationRows(aggregates, tracked, asOf));
    await timed(steps, '  of which effectiveness() over all ISPs together (one block)', () => effectiveness(tracked, { asOf }));
    await timed(steps, 'composeFigures()', () => composeFigures(aggregates, rows, asOf));
  } finally {
    await store.close();
  }
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const { low, high } = readFindingIdExtent(db);
    const slices = Math.ceil((high - low + 1) / AGGREGATE_SLICE_IDS);
    const sums = createFindingAccumulator();
    const each = (work: (from: number, to: number) => void) => () => {
      for (let from = low; from <= high; from += AGGREGATE_SLICE_IDS) work(from, from + AGGREGATE_SLICE_IDS - 1);
    };
    await timed(
      steps,
      `  SQL: findings × attributions × devices GROUP BY (${slices} slices)`,
      each((from, to) => sums.addSlice(db, from, to)),
    );
    await timed(
      steps,
      `  SQL: infected days from evidence JSON (${slices} slices)`,
      each((from, to) => sums.addInfectedSlice(db, from, to)),
    );
    await timed(steps, '  SQL: small aggregates (events, reports, darknet, totals)', () => readSmallAggregates(db));
    const intern = createInterner();
    await timed(
      steps,
      `  SQL: reported findings with first report (${slices} slices)`,
      each((from, to) => {
        readTrackedSlice(db, from, to, intern);
      }),
    );
  } finally {
    db.close();
  }
  return steps;
}
