/**
 * `opennotice …` as a child process that keeps running (serve, survey, darknet capture): its
 * output lines as they come, a bounded wait for a line, and a stop by signal.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliProcess {
  readonly stdoutLines: string[];
  readonly stderrLines: string[];
  /** The first line (of stream) that `matches`, waiting up to `timeoutMs`; rejects (with what was printed) when the process ends or time runs out first. */
  waitForLine(stream: 'stdout' | 'stderr', matches: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Sends a signal without waiting for an exit (SIGHUP: the gateway's "pull now"). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code when the process ends by itself. */
  readonly exited: Promise<number | null>;
}

/**
 * With `netns`, the command runs inside that network namespace (`ip netns exec`, which execs: the
 * child is the command itself, so signals reach it).
 * @example const serve = startCli(['serve', '--port', '0']); await serve.waitForLine('stdout', (line) => line.includes('web server on'))
 */
export function startCli(args: readonly string[], options: { netns?: string } = {}): CliProcess {
  const command = [process.execPath, '--disable-warning=ExperimentalWarning', entry, ...args];
  const child = options.netns
    ? spawn('ip', ['netns', 'exec', options.netns, ...command], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters = new Set<() => void>();
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      lines[stream].push(...parts);
      for (const wake of waiters) wake();
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const wake of waiters) wake();
  });
  return {
    stdoutLines: lines.stdout,
    stderrLines: lines.stderr,
    exited,
    waitForLine(stream, matches, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no matching ${stream} line in ${timeoutMs} ms`)), timeoutMs);
        const finish = (error?: Error, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(new Error(`${error.message}\nstdout:\n${lines.stdout.join('\n')}\nstderr:\n${lines.stderr.join('\n')}`));
          else resolve(line!);
        };
        const check = () => {
          const found = lines[stream].find(matches);
          if (found !== undefined) finish(undefined, found);
          else if (ended) finish(new Error(`the process ended without a matching ${stream} line`));
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      return exited;
    },
    signal(signal) {
      if (!ended) child.kill(signal);
    },
  };
}
