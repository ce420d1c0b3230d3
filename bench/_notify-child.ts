// One phase of the notify benchmark in a fresh process, so its peak RSS is its own:
//   fill FILE N ISPS   — a store with N findings over ISPS ISPs (not timed as notify work)
//   build FILE         — build, render and queue one report per ISP; prints JSON figures
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
    const outbox = await store.listOutbox();
    const payloadBytes = outbox.reduce((sum, entry) => sum + entry.payload.length, 0);
    const findings = results.reduce((sum, result) => sum + result.fresh + result.reminders, 0);
    process.stdout.write(`${JSON.stringify({ ms, reports: results.filter((result) => result.created).length, findings, payloadBytes, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
  }
} finally {
  await store.close();
}
