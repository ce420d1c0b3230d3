/** `opennotice track bulk-fix` as a table: one line per ISP and model, then its weekly course. */
import { printable } from '../../report/cells.ts';
import type { ModelProgress } from '../../track/bulk-fix-progress.ts';

/**
 * @example formatBulkFixProgress(await bulkFixProgress(store, { asOf })) // "ISP  vendor  model  first notice  devices  fixed  open  % fixed\n…"
 */
export function formatBulkFixProgress(models: readonly ModelProgress[]): string {
  if (models.length === 0)
    return "no bulk-fix progress yet: no ISP that manages its customers' devices has been notified about an identified device ('opennotice notify')\n";
  const lines = [
    `${'ISP'.padEnd(16)} ${'vendor'.padEnd(14)} ${'model'.padEnd(16)} ${'first notice'.padEnd(12)} ${'devices'.padStart(7)} ${'fixed'.padStart(6)} ${'open'.padStart(6)} ${'% fixed'.padStart(7)}`,
  ];
  for (const row of models) {
    lines.push(
      `${printable(row.ispId).padEnd(16)} ${printable(row.vendor).padEnd(14)} ${printable(row.model).padEnd(16)} ${row.firstNotice.slice(0, 10).padEnd(12)} ${String(row.devices).padStart(7)} ${String(row.fixed).padStart(6)} ${String(row.open).padStart(6)} ${row.percentFixed.toFixed(1).padStart(7)}`,
    );
    // The course: % fixed of the devices notified by each date.
    const course = row.timeline.map((point) => `${point.at.slice(5, 10)} ${point.notified ? Math.round((point.fixed / point.notified) * 100) : 0}%`);
    lines.push(`${''.padEnd(16)} ${course.join('  ')}`);
  }
  return `${lines.join('\n')}\n`;
}
