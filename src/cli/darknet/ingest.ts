/** `opennotice darknet ingest`: capture files into the store (windows, infected findings). */
import { OpenNoticeError } from '../../core/errors.ts';
import { ingestCaptureFiles, type DarknetRunSummary } from '../../darknet/ingest-run.ts';
import { openStore } from '../../store/open-store.ts';
import { createDarknetMetrics } from '../../metrics/darknet.ts';
import type { CommandIo } from '../command.ts';
import type { Observability } from '../observability.ts';
import { requireDarknet, researchRanges, type DarknetCommandContext } from './context.ts';

/** The lines an operator reads after an ingest or a live capture. */
export function formatRunSummary(summary: DarknetRunSummary, db: string): string {
  const lines = [
    `darknet run ${summary.runId}: ${summary.packets} packets` +
      (summary.skippedRecords ? `, ${summary.skippedRecords} corrupt records skipped` : '') +
      `, ${summary.windows.hours} hour and ${summary.windows.days} day windows stored in ${db}`,
    ...summary.alreadyRead.map((entry) => `skipped ${entry.file}: already read by run ${entry.runId}`),
    `DRDoS attacks on darknet addresses: ${summary.attacks}`,
    `scanners: ${summary.scanners} (${summary.scannersOutsideSpace} outside the surveyed space: statistics only)`,
    `infected findings: ${summary.findings.opened} opened, ${summary.findings.updated} still active, ${summary.findings.reopened} reopened, ${summary.findings.closed} closed after quiet days`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function runIngest(context: DarknetCommandContext, files: string[], io: CommandIo, watch: Observability): Promise<number> {
  if (files.length === 0) throw new OpenNoticeError('USAGE', 'ingest needs at least one capture file');
  const darknet = requireDarknet(context, 'ingest');
  const research = researchRanges(context);
  const store = await openStore(context.db);
  let log = watch.log;
  try {
    const summary = await ingestCaptureFiles(files, {
      store,
      darknet,
      researchRanges: research,
      space: context.space,
      quietDays: context.quietDays,
      onCorrupt: context.skipCorrupt ? 'skip' : 'throw',
      onProgress: (progress) => {
        if (progress.file)
          log.info(`read ${progress.file} (${progress.packets} packets so far)`, { event: 'file-read', file: progress.file, packets: progress.packets });
      },
      onRun: (runId) => {
        log = watch.log.child({ runId });
      },
      ...(watch.registry ? { metrics: createDarknetMetrics(watch.registry) } : {}),
    });
    if (log.structured)
      log.info(`darknet run ${summary.runId}: ${summary.packets} packets`, {
        event: 'run-finished',
        packets: summary.packets,
        hourWindows: summary.windows.hours,
        dayWindows: summary.windows.days,
        infectedOpened: summary.findings.opened,
      });
    io.stdout.write(formatRunSummary(summary, context.db));
    return 0;
  } finally {
    await store.close();
  }
}
