import type { OpenPort, Target } from '../core/records.ts';
import { runPool } from '../core/pool.ts';
import { DialFailure } from '../scope/connection.ts';
import type { Dialer } from '../scope/dialer.ts';

export interface ConnectScanOptions {
  dialer: Dialer;
  targets: Iterable<Target>;
  concurrency: number;
  connectTimeoutMs: number;
  signal?: AbortSignal;
  onOpen: (port: OpenPort) => void;
  /** Called once per target, whatever the result, for progress. */
  onProbed?: (target: Target, status: string) => void;
}

/**
 * Built-in TCP connect discovery: a full handshake per target, closed at once
 * (no byte is sent). Slower than ZMap's stateless SYNs, but needs no raw sockets and
 * is exact; for internet-scale discovery import ZMap or masscan output instead.
 * @example await connectScan({ dialer, targets, concurrency: 500, connectTimeoutMs: 1500, onOpen: (p) => open.push(p) })
 */
export async function connectScan(options: ConnectScanOptions): Promise<void> {
  await runPool(
    options.targets,
    options.concurrency,
    async (target) => {
      let status = 'open';
      try {
        const connection = await options.dialer.dial(target, { connectTimeoutMs: options.connectTimeoutMs });
        connection.close();
        options.onOpen({ ...target, source: 'connect', seenAt: new Date().toISOString() });
      } catch (error) {
        status = error instanceof DialFailure ? error.status : 'unknown-error';
      }
      options.onProbed?.(target, status);
    },
    options.signal,
  );
}
