// One phase of the notify benchmark in a fresh process, so its peak RSS is its own:
//   fill FILE N ISPS   — a store with N findings over ISPS ISPs (not timed as notify work)
//   build FILE         — build, render and queue one report per ISP; prints JSON figures
import { DatabaseSync } from 'node:sqlite';
import { buildIspReports } from '../src/notify/build-reports.ts';
import { loadMessageTemplates } from '../src/notify/messages/templates.ts';
import { openStore } from '../src/store/open-store.ts';
import { fillBenchStore } from './_fill-store.ts';

const [phase, file, count, ispCount] = process.argv.slice(2);
const store = await openStore(file!);
try {
  if (phase === 'fill') {
    await fillBenchStore(store, { findings: Number(count), isps: Number(ispCount) });
  } else {
    const started = performance.now();
    const results = await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@bench.invalid', now: '2026-04-10T00:00:00.000Z' });
    const ms = performance.now() - started;
    const maxRssKiB = process.resourceUsage().maxRSS;
    // Measured in SQL after the peak was read: loading every payload here would be the biggest allocation of the run.
    const { payloadBytes } = new DatabaseSync(file!, { readOnly: true }).prepare('SELECT sum(length(payload)) AS payloadBytes FROM outbox').get() as {
      payloadBytes: number;
    };
    const findings = results.reduce((sum, result) => sum + result.fresh + result.reminders, 0);
    process.stdout.write(`${JSON.stringify({ ms, reports: results.filter((result) => result.created).length, findings, payloadBytes, maxRssKiB })}\n`);
  }
} finally {
  await store.close();
}
