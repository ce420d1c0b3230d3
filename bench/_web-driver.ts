// What the web benchmarks share: the server child (bench/_web-server.ts, the app with a
// stopwatch around its handler) and how to talk to it, the login a browser makes, autocannon
// (its programmatic API, which ships no types) and the table of per-endpoint figures. Used by
// bench/web.ts (SQLite store) and bench/scale.ts (PostgreSQL store at ten million findings).
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FromServer, ServerTimes, ToServer } from './_web-server.ts';

/** The part of autocannon's programmatic API used here (the package ships no types). */
export interface CannonResult {
  requests: { average: number; total: number };
  throughput: { average: number };
  latency: { p50: number; p97_5: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
export type Cannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  reconnectRate: number;
  headers?: Record<string, string>;
}) => Promise<CannonResult>;
/**
 * The server closes a keep-alive connection after 1000 requests (listen.ts) and answers 503 to
 * anything a client still sends on it; autocannon would keep sending, so it reconnects first.
 */
export const reconnectRate = 900;
export const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

export interface Endpoint {
  name: string;
  path: string;
  as: 'operator' | 'isp' | 'token' | 'public';
}

/** A started server child and a way to ask it for a URL's handler times. */
export interface ServerChild {
  url: string;
  times(url: string): Promise<ServerTimes>;
  /** The longest event-loop stall (ms) since the last call. */
  stall(): Promise<number>;
  errors: string[];
  stop(): Promise<void>;
}

/**
 * Starts bench/_web-server.ts on the store at `location` (a SQLite file or a postgres:// URL).
 * @example const server = await startServerChild('postgres://opennotice@127.0.0.1:5433/bench')
 */
export async function startServerChild(location: string): Promise<ServerChild> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./_web-server.ts', import.meta.url)), [location], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: 'inherit',
  });
  const errors: string[] = [];
  const waiting: Array<(message: FromServer) => void> = [];
  child.on('message', (message: FromServer) => {
    if (message.type === 'error') errors.push(message.line);
    else waiting.shift()?.(message);
  });
  const next = () =>
    new Promise<FromServer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server child did not answer within 60 s')), 60_000);
      waiting.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  const listening = await next();
  if (listening.type !== 'listening') throw new Error('unexpected first message from the server child');
  return {
    url: listening.url,
    errors,
    async times(url) {
      const answer = next();
      child.send({ type: 'times', url } satisfies ToServer);
      const message = await answer;
      if (message.type !== 'times') throw new Error('unexpected message from the server child');
      return message.times;
    },
    async stall() {
      const answer = next();
      child.send({ type: 'stall' } satisfies ToServer);
      const message = await answer;
      if (message.type !== 'stall') throw new Error('unexpected message from the server child');
      return message.maxMs;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill();
          resolve();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' } satisfies ToServer);
      }),
  };
}

/** Logs in through the form like a browser (CSRF cookie and field), returns the Cookie header of the session. */
export async function logIn(base: string, name: string, password: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const cookies = (list: string[]) =>
    list
      .filter((line) => !/Max-Age=0/i.test(line))
      .map((line) => line.split(';')[0]!)
      .join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const answer = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookies(form.headers.getSetCookie()), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, password, csrf }).toString(),
  });
  if (answer.status !== 303) throw new Error(`login of ${name} answered ${answer.status}`);
  return cookies(answer.headers.getSetCookie());
}

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const statusProblems = (result: CannonResult) =>
  [
    ...Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${count} × ${code}`),
    ...(result.errors ? [`${result.errors} errors`] : []),
    ...(result.timeouts ? [`${result.timeouts} timeouts`] : []),
  ].join(', ');

/** The table's header line; `targetP95Ms` is the bound each row is checked against. */
export const tableHeader = (targetP95Ms: number) =>
  `${'endpoint'.padEnd(34)} ${'req/s'.padStart(7)} ${'server p50'.padStart(11)} ${'server p95'.padStart(11)} ${'server max'.padStart(11)} ${'client p50'.padStart(11)} ${'client p97.5'.padStart(13)} ${'KiB/answer'.padStart(11)} ${'loop stall'.padStart(11)}  p95 < ${targetP95Ms} ms`;
/** One endpoint's row under tableHeader. */
export const tableRow = (name: string, result: CannonResult, times: ServerTimes, stallMs: number, targetP95Ms: number) => {
  const problems = [
    result.non2xx + result.errors + result.timeouts > 0 ? statusProblems(result) : '',
    times.pending > 0 ? `${times.pending} still unanswered at the end` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const kib = result.throughput.average / Math.max(1, result.requests.average) / 1024;
  return `${name.padEnd(34)} ${result.requests.average.toFixed(0).padStart(7)} ${ms(times.p50).padStart(11)} ${ms(times.p95).padStart(11)} ${ms(times.max).padStart(11)} ${ms(result.latency.p50).padStart(11)} ${ms(result.latency.p97_5).padStart(13)} ${kib.toFixed(1).padStart(11)} ${ms(stallMs).padStart(11)}  ${times.p95 < targetP95Ms ? 'yes' : 'NO'}${problems ? `  (${problems})` : ''}`;
};
