/**
 * Live capture through tcpdump: `tcpdump -i IF -s 128 -U -w - -- FILTER` is spawned without a
 * shell and its pcap byte stream handed to the consumer (usually `scanCapture` from
 * ../capture/reader.ts, which detects the format itself). tcpdump does the privileged part
 * (raw socket, BPF in the kernel, kernel buffer); we only read headers from a pipe.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { OpenNoticeError } from '../../core/errors.ts';
import { guardAgainstOrphan, type OrphanGuard } from '../../core/orphan-guard.ts';
import { createChunkQueue } from './chunk-queue.ts';
import { defaultStopGraceMs, tcpdumpArguments, type TcpdumpOptions } from './tcpdump-arguments.ts';
import { createTcpdumpStderr, describeTcpdumpFailure } from './tcpdump-stderr.ts';

export type { TcpdumpOptions } from './tcpdump-arguments.ts';

export interface LiveCaptureEnd {
  exitCode: number | null;
  signal: string | null;
  /** From tcpdump's closing lines; absent when tcpdump did not print them (killed, never started). */
  captured?: number;
  received?: number;
  droppedByKernel?: number;
  droppedByInterface?: number;
}

export interface LiveCapture {
  /** tcpdump's pcap byte stream; can be read once. Leaving the loop early stops the capture. */
  packets: AsyncIterable<Uint8Array>;
  /** tcpdump's process id (undefined when it could not be started), for logs. */
  readonly pid: number | undefined;
  /** Bytes read from tcpdump that wait for the consumer: how far it lags (back-pressure starts at 1 MiB). */
  readonly bufferedBytes: number;
  /** Resolves with tcpdump's "listening on …" line: from then on packets are captured. Rejects if tcpdump ends first. */
  readonly ready: Promise<string>;
  /** Ends tcpdump (SIGINT, then SIGTERM and SIGKILL after grace periods) and waits for it; idempotent; same outcome as `ended`. */
  stop(): Promise<LiveCaptureEnd>;
  /** Resolves when tcpdump has exited after a stop, an abort or a Ctrl-C; rejects with CAPTURE_FAILED when it failed. */
  readonly ended: Promise<LiveCaptureEnd>;
}

// Back-pressure sets in at 1 MiB waiting in this process; the kernel buffer (-B) is the big one.
const HIGH_WATER_BYTES = 1024 * 1024;
// After a stop tcpdump writes only what libpcap already handed it; 64 MiB is far beyond that.
const STOP_TAIL_CAP_BYTES = 64 * 1024 * 1024;

function ignore(): void {}

function spawnFailure(error: NodeJS.ErrnoException, path: string, interfaceName: string): OpenNoticeError {
  const context = { interface: interfaceName, tcpdumpPath: path };
  if (error.code === 'ENOENT') {
    return new OpenNoticeError(
      'CAPTURE_FAILED',
      `tcpdump not found (${JSON.stringify(path)}): install it (Debian/Ubuntu: apt-get install tcpdump) or give its path`,
      context,
      { cause: error },
    );
  }
  if (error.code === 'EACCES') return new OpenNoticeError('CAPTURE_FAILED', `${JSON.stringify(path)} is not executable`, context, { cause: error });
  return new OpenNoticeError('CAPTURE_FAILED', `cannot start ${JSON.stringify(path)}: ${error.message}`, context, { cause: error });
}

/** A capture that was aborted before tcpdump was even started. */
function notStarted(interfaceName: string): LiveCapture {
  const end: LiveCaptureEnd = { exitCode: null, signal: null };
  const ready = Promise.reject(
    new OpenNoticeError('INTERRUPTED', `capture on ${JSON.stringify(interfaceName)} was aborted before it started`, { interface: interfaceName }),
  );
  ready.catch(ignore);
  return {
    packets: { async *[Symbol.asyncIterator]() {} },
    pid: undefined,
    bufferedBytes: 0,
    ready,
    stop: () => Promise.resolve(end),
    ended: Promise.resolve(end),
  };
}

/**
 * Starts tcpdump on an interface. Invalid options throw at once; everything that goes wrong in
 * tcpdump (missing, no permission, no such interface, bad filter, early exit) rejects `ready`
 * and `ended` and is thrown by the `packets` iteration after the bytes received so far, as
 * OpenNoticeError CAPTURE_FAILED with tcpdump's own words.
 * @example
 * const capture = startTcpdump({ interface: 'eth1', filter: 'dst net 198.51.100.0/24', signal: controller.signal });
 * console.log(await capture.ready);   // tcpdump: listening on eth1, link-type EN10MB …
 * await scanCapture(capture.packets, (packet) => aggregator.add(packet));
 * const { received, droppedByKernel } = await capture.ended;
 */
export function startTcpdump(options: TcpdumpOptions): LiveCapture {
  const args = tcpdumpArguments(options);
  const interfaceName = options.interface;
  const path = options.tcpdumpPath ?? 'tcpdump';
  const graceMs = options.stopGraceMs ?? defaultStopGraceMs;
  if (options.signal?.aborted) return notStarted(interfaceName);

  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  let stopRequested = false;
  let exited = false;
  const escalation: NodeJS.Timeout[] = [];

  let readyResolve: (line: string) => void = ignore;
  let readyReject: (error: Error) => void = ignore;
  const ready = new Promise<string>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(ignore);
  const stderr = createTcpdumpStderr({ onListening: (line) => readyResolve(line) });

  const kill = (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal);
  };
  const stop = (): Promise<LiveCaptureEnd> => {
    if (stopRequested) return ended;
    stopRequested = true;
    queue.unlimit();
    if (exited) return ended;
    kill('SIGINT');
    // tcpdump handles SIGINT and SIGTERM alike; the second is for a tcpdump stuck before its handler runs.
    // Unreferenced: the running child keeps the process alive, the timers alone must not.
    escalation.push(setTimeout(() => kill('SIGTERM'), graceMs).unref(), setTimeout(() => kill('SIGKILL'), 2 * graceMs).unref());
    return ended;
  };

  const queue = createChunkQueue({
    highWaterBytes: HIGH_WATER_BYTES,
    hardCapBytes: STOP_TAIL_CAP_BYTES,
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
    onAbandon: () => {
      stop().catch(ignore);
    },
    onOverflow: () => kill('SIGKILL'),
  });
  child.stdout.on('data', (chunk: Buffer) => queue.push(chunk));
  // A failed read would silently cut the stream short: remember it and fail the capture at close.
  let readFailure: Error | undefined;
  child.stdout.on('error', (error: Error) => {
    readFailure ??= error;
  });
  child.stderr.on('error', ignore);
  child.stderr.setEncoding('latin1');
  child.stderr.on('data', (text: string) => stderr.push(text));

  const onAbort = () => {
    stop().catch(ignore);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const ended = new Promise<LiveCaptureEnd>((resolve, reject) => {
    const finish = (failure: OpenNoticeError | undefined, end: LiveCaptureEnd | undefined) => {
      exited = true;
      for (const timer of escalation) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stderr.listening === undefined) {
        readyReject(
          failure ??
            new OpenNoticeError('INTERRUPTED', `capture on ${JSON.stringify(interfaceName)} ended before tcpdump was listening`, { interface: interfaceName }),
        );
      }
      queue.end(failure);
      if (failure !== undefined) reject(failure);
      else resolve(end!);
    };
    let spawned = false;
    let orphanGuard: OrphanGuard | undefined;
    child.once('spawn', () => {
      spawned = true;
      // tcpdump drops root, so no parent-death signal reaches it: if this process is killed
      // outright, the guard ends it instead of leaving it on the interface (core/orphan-guard.ts).
      if (child.pid !== undefined) orphanGuard = guardAgainstOrphan(child.pid, basename(path));
    });
    // `on`, not `once`: a later 'error' (a failed kill) without a listener would crash the process.
    child.on('error', (error: NodeJS.ErrnoException) => {
      // After a successful spawn an 'error' only reports a failed kill(); 'close' still follows.
      if (spawned) return;
      finish(spawnFailure(error, path, interfaceName), undefined);
    });
    child.once('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (!spawned) return;
      orphanGuard?.release();
      stderr.end();
      const end: LiveCaptureEnd = { exitCode, signal, ...stderr.counts };
      if (readFailure !== undefined) {
        finish(
          new OpenNoticeError(
            'CAPTURE_FAILED',
            `reading tcpdump's output failed: ${readFailure.message}`,
            { interface: interfaceName, exitCode, signal },
            { cause: readFailure },
          ),
          undefined,
        );
        return;
      }
      // Exit 0 is tcpdump's answer to SIGINT/SIGTERM, ours or the terminal's Ctrl-C; a death by
      // signal is clean only when we asked for the stop (escalation to SIGKILL).
      if (exitCode === 0 || (stopRequested && signal !== null)) {
        finish(undefined, end);
        return;
      }
      const said = stderr.excerpt();
      const message = describeTcpdumpFailure({ interface: interfaceName, filter: options.filter, exitCode, signal, stderr: said });
      finish(new OpenNoticeError('CAPTURE_FAILED', message, { interface: interfaceName, tcpdumpPath: path, exitCode, signal, stderr: said }), undefined);
    });
  });
  ended.catch(ignore);

  return {
    packets: queue.chunks,
    pid: child.pid,
    get bufferedBytes() {
      return queue.queuedBytes;
    },
    ready,
    stop,
    ended,
  };
}
