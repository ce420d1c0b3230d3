/** `opennotice darknet honeypot`: Cowrie JSON logs in as evidence of infection. */
import { OpenNoticeError } from '../../core/errors.ts';
import { importHoneypotLogs } from '../../darknet/honeypot-run.ts';
import { openStore } from '../../store/open-store.ts';
import type { Logger } from '../../core/logger.ts';
import type { CommandIo } from '../command.ts';
import type { DarknetCommandContext } from './context.ts';

export async function runHoneypot(context: DarknetCommandContext, files: string[], io: CommandIo, log: Logger): Promise<number> {
  if (files.length === 0) throw new OpenNoticeError('USAGE', 'honeypot needs at least one Cowrie JSON log (cowrie.json, cowrie.json.2026-01-01, .gz too)');
  const store = await openStore(context.db);
  try {
    const summary = await importHoneypotLogs(files, {
      store,
      space: context.space,
      onCorrupt: context.skipCorrupt ? 'skip' : 'throw',
      onProgress: (file, sources) => log.info(`read ${file} (${sources} sources so far)`, { event: 'file-read', file, sources }),
    });
    io.stdout.write(
      `${[
        `honeypot run ${summary.runId}: ${summary.lines} lines${summary.skippedLines ? `, ${summary.skippedLines} corrupt lines skipped` : ''}${unfinished(summary.unfinishedLines)}, ${summary.sources} sources, ${summary.bots} bots`,
        `bots outside the surveyed space (not notified): ${summary.botsOutsideSpace}`,
        `infected findings: ${summary.findings.opened} opened, ${summary.findings.updated} updated, ${summary.findings.reopened} reopened`,
      ].join('\n')}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** A log read while Cowrie writes it ends in half an event: not an error, but said. */
function unfinished(lines: number): string {
  return lines === 0 ? '' : `, ${lines} unfinished last ${lines === 1 ? 'line' : 'lines'} left for the next read (a log still being written)`;
}
