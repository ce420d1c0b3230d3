/**
 * `opennotice darknet capture`: live observation. tcpdump captures headers only (snaplen 128)
 * of traffic to the darknet and writes pcap to a pipe; the same reader and window rotation as
 * for files take it from there, writing each hour and day window to the store as it closes.
 * No packet is ever written to disk. Ctrl-C (or --duration) stops it and writes what is open.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { ingestLiveCapture } from '../../darknet/ingest-run.ts';
import { startTcpdump } from '../../darknet/live/tcpdump.ts';
import { openStore } from '../../store/open-store.ts';
import { integerOption, type CommandIo } from '../command.ts';
import { requireDarknet, researchRanges, type DarknetCommandContext } from './context.ts';
import { formatRunSummary } from './ingest.ts';
import type { DarknetValues } from './options.ts';
import { createDarknetMetrics } from '../../metrics/darknet.ts';
import type { Observability } from '../observability.ts';

export async function runCapture(context: DarknetCommandContext, values: DarknetValues, io: CommandIo, watch: Observability): Promise<number> {
  if (typeof values.interface !== 'string')
    throw new OpenNoticeError('USAGE', 'capture needs --interface IF (e.g. eth1, the interface the darknet is routed to)');
  const darknet = requireDarknet(context, 'capture');
  const research = researchRanges(context);
  const durationSeconds = integerOption(values.duration, 'duration', { min: 1, max: 366 * 86_400 });
  const signals = [io.signal, ...(durationSeconds !== undefined ? [AbortSignal.timeout(durationSeconds * 1000)] : [])];
  // Only darknet traffic crosses into the process; a --filter narrows it further.
  const filter = `dst net ${darknet}${typeof values.filter === 'string' ? ` and (${values.filter})` : ''}`;
  const store = await openStore(context.db);
  let log = watch.log;
  try {
    const capture = startTcpdump({ interface: values.interface, filter, signal: AbortSignal.any(signals) });
    capture.ready.then(
      (line) => {
        log.info(line, { event: 'tcpdump-ready' });
        log.info(`capturing on ${String(values.interface)} (${filter}); windows are written to ${context.db} as they close; Ctrl-C stops`, {
          event: 'capture-started',
          interface: String(values.interface),
          filter,
        });
      },
      () => undefined, // the failure surfaces through the packet stream with tcpdump's own words
    );
    let summary: Awaited<ReturnType<typeof ingestLiveCapture>>;
    try {
      summary = await ingestLiveCapture(capture.packets, {
        store,
        darknet,
        researchRanges: research,
        space: context.space,
        quietDays: context.quietDays,
        onCorrupt: 'skip',
        name: `tcpdump on ${values.interface}`,
        onProgress: (progress) => log.info(`window written (${progress.windowsWritten} so far)`, { event: 'window-written', windows: progress.windowsWritten }),
        onRun: (runId) => {
          log = watch.log.child({ runId });
        },
        ...(watch.registry ? { metrics: createDarknetMetrics(watch.registry) } : {}),
      });
    } finally {
      const end = await capture.stop();
      const drops = [
        end.droppedByKernel ? `${end.droppedByKernel} dropped by the kernel` : '',
        end.droppedByInterface ? `${end.droppedByInterface} dropped by the interface` : '',
      ].filter(Boolean);
      if (end.received !== undefined) {
        const message = `tcpdump: ${end.received} packets received by the filter${drops.length ? `, ${drops.join(', ')} (raise the buffer or narrow --filter)` : ''}`;
        const fields = {
          event: 'capture-stopped',
          received: end.received,
          droppedByKernel: end.droppedByKernel ?? 0,
          droppedByInterface: end.droppedByInterface ?? 0,
        };
        if (drops.length > 0) log.warn(message, fields);
        else log.info(message, fields);
      }
    }
    io.stdout.write(formatRunSummary(summary, context.db));
    return io.signal.aborted ? 130 : 0;
  } finally {
    await store.close();
  }
}
