// The web benchmark's server, in a process of its own (so the load tool does not share its
// event loop): the app `opennotice serve` builds, on loopback, with a stopwatch around the
// app's handler. Time is kept per request URL; the parent asks for a URL's figures over IPC
// (which also clears them; "*" asks for every URL's together and clears nothing), for the longest event-loop stall since it last asked, and says
// when to stop.
//   node bench/_web-server.ts FILE|URL   (the store: a SQLite file or a postgres:// URL)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp, type App } from '../src/server/app.ts';
import { listen } from '../src/server/listen.ts';
import { describeError } from '../src/core/errors.ts';
import { openStore } from '../src/store/open-store.ts';

export interface ServerTimes {
  /** Answered requests. */
  count: number;
  /** Requests still unanswered when asked: counted in the percentiles with the time they have waited so far. */
  pending: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export type ToServer = { type: 'times'; url: string } | { type: 'stall' } | { type: 'stop' };
export type FromServer =
  | { type: 'listening'; url: string }
  | { type: 'times'; url: string; times: ServerTimes }
  | { type: 'stall'; maxMs: number }
  | { type: 'error'; line: string };

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}

async function main(location: string): Promise<void> {
  // Errors can still come in while stopping (a background recount on a closing store): the parent no longer listens then.
  const send = (message: FromServer) => {
    if (process.connected) process.send!(message);
  };
  // The longest time the event loop could not answer anything (a request waits at least that long).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const store = await openStore(location);
  const samples = new Map<string, number[]>();
  const inFlight = new Set<{ url: string; started: number }>();
  const app = buildApp({
    deps: {
      store,
      now: () => new Date(),
      program: { name: 'Bench Program', operator: 'Bench Operator', contact: 'bench@example.invalid', scannerAddresses: [] },
    },
    onError: (error, where) => send({ type: 'error', line: `${where.method} ${where.path}: ${describeError(error)}` }),
  });
  const timed: App = {
    ...app,
    async handle(request, response) {
      const entry = { url: request.url ?? '/', started: performance.now() };
      inFlight.add(entry);
      try {
        await app.handle(request, response);
      } finally {
        inFlight.delete(entry);
        const list = samples.get(entry.url) ?? [];
        list.push(performance.now() - entry.started);
        samples.set(entry.url, list);
      }
    },
  };
  const server = await listen(timed, { port: 0 });
  process.on('message', async (message: ToServer) => {
    if (message.type === 'times') {
      // A request stuck behind a slow computation must weigh in the figures, not vanish from them.
      // "*": every URL's requests together, kept for the per-URL questions that follow.
      const everyUrl = message.url === '*';
      const waiting = [...inFlight].filter((entry) => everyUrl || entry.url === message.url).map((entry) => performance.now() - entry.started);
      const answered = everyUrl ? [...samples.values()].flat() : (samples.get(message.url) ?? []);
      const sorted = [...answered, ...waiting].sort((a, b) => a - b);
      if (!everyUrl) samples.delete(message.url);
      send({
        type: 'times',
        url: message.url,
        times: {
          count: answered.length,
          pending: waiting.length,
          p50: percentile(sorted, 0.5),
          p95: percentile(sorted, 0.95),
          p99: percentile(sorted, 0.99),
          max: sorted.at(-1) ?? Number.NaN,
        },
      });
    } else if (message.type === 'stall') {
      send({ type: 'stall', maxMs: loopDelay.max / 1e6 });
      loopDelay.reset();
    } else {
      loopDelay.disable();
      await server.close();
      await store.close();
      process.disconnect();
    }
  });
  send({ type: 'listening', url: server.url });
}

if (process.send) await main(process.argv[2]!);
