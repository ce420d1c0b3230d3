// Notify benchmark: `npm run bench -- notify [findings]` (default 1,000,000, at most 2,000,000).
// For N/8, N/4, N/2 and N findings spread over 100 ISPs, fills a store (through the store API,
// not timed), then — in a fresh process, so peak memory is the notify step's own — builds,
// renders (CSV, JSON or STIX per ISP preference, Japanese/English text, subscriber notices)
// and queues one report per ISP in the outbox. Prints time, findings/s, µs per finding, peak
// RSS and payload size per size: the work must grow linearly (µs/finding flat) and memory
// with the largest ISP's report, not with the whole store. Bounded: sizes are capped.
// `--small`: 250 to 2,000 findings over 10 ISPs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkOptions } from './_benchmark.ts';
import { printTarget } from './_target.ts';

const child = fileURLToPath(new URL('./_notify-child.ts', import.meta.url));

/** The store sizes of one run (ascending; each filled and built on its own) and the ISPs they spread over. */
interface NotifySizes {
  findings: number[];
  isps: number;
}

/** Every ISP must get findings at every size (the benchmark checks one report per ISP), so few ISPs. */
const smallSizes: NotifySizes = { findings: [250, 500, 1000, 2000], isps: 10 };

/** Full mode: N/8, N/4, N/2 and N findings over 100 ISPs, N from the command line (capped). */
function fullSizes(args: readonly string[]): NotifySizes {
  const largest = Math.min(2_000_000, Math.max(8_000, Number(args[0] ?? 1_000_000)));
  return { findings: [largest / 8, largest / 4, largest / 2, largest].map(Math.round), isps: 100 };
}

/**
 * The build step runs with a capped heap: V8 otherwise grows the heap lazily with the garbage
 * of 100 rendered reports, and peak RSS would measure that laziness rather than what the step
 * needs. Finishing under the same cap at every size is the proof that memory does not grow
 * with the number of findings (only with the largest ISP's report).
 */
const buildHeapMiB = 384;

function phase(args: string[], heapMiB?: number): string {
  const flags = ['--disable-warning=ExperimentalWarning', ...(heapMiB ? [`--max-old-space-size=${heapMiB}`] : [])];
  return execFileSync(process.execPath, [...flags, child, ...args], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20, timeout: 30 * 60_000 });
}

/**
 * Report building at growing store sizes; ends with `target: notify_us_per_finding` (at the largest size).
 * @example await run({ small: true, args: [] })
 */
export async function run(options: BenchmarkOptions): Promise<void> {
  const { findings: sizes, isps } = options.small ? smallSizes : fullSizes(options.args);
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-notify-'));
  process.stdout.write(
    `notify benchmark: ${sizes.join(', ')} findings over ${isps} ISPs (one report per ISP); build step's heap capped at ${buildHeapMiB} MiB\n\n`,
  );
  process.stdout.write('  findings   fill s   build s   findings/s   µs/finding   peak RSS   outbox payloads\n');
  const perFinding: number[] = [];
  try {
    for (const size of sizes) {
      const file = join(directory, `notify-${size}.sqlite`);
      const fillStarted = performance.now();
      phase(['fill', file, String(size), String(isps)]);
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      const figures = JSON.parse(phase(['build', file], buildHeapMiB)) as {
        ms: number;
        reports: number;
        findings: number;
        payloadBytes: number;
        maxRssKiB: number;
      };
      if (figures.findings !== size || figures.reports !== isps)
        throw new Error(`expected ${size} findings in ${isps} reports, got ${figures.findings} in ${figures.reports}`);
      const micros = (figures.ms * 1000) / size;
      perFinding.push(micros);
      process.stdout.write(
        `${String(size).padStart(10)} ${fillSeconds.toFixed(1).padStart(8)} ${(figures.ms / 1000).toFixed(1).padStart(9)} ${Math.round(
          size / (figures.ms / 1000),
        )
          .toLocaleString('en')
          .padStart(
            12,
          )} ${micros.toFixed(1).padStart(12)} ${`${(figures.maxRssKiB / 1024).toFixed(0)} MiB`.padStart(10)} ${`${(figures.payloadBytes / 2 ** 20).toFixed(0)} MiB`.padStart(17)}\n`,
      );
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const growth = perFinding.at(-1)! / perFinding[0]!;
  process.stdout.write(
    `\nlinearity: µs per finding at ${sizes.at(-1)} ÷ at ${sizes[0]} = ${growth.toFixed(2)} (1.00 = perfectly linear; above ~1.3 something grows faster than the input)\n`,
  );
  printTarget('notify_us_per_finding', perFinding.at(-1)!);
}
