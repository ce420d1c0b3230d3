import type { Socket } from 'node:net';
import type { Target } from '../core/records.ts';
import type { Connection, ConnectionLimits, ReadEnd, ReadStep } from './connection.ts';

/**
 * Wraps a connected socket in the Connection contract: reads are pulled one chunk at
 * a time with an idle timeout, the whole connection has a deadline, and reading stops
 * at a byte cap. The socket is paused whenever nobody is reading, so a peer that
 * floods us fills the kernel buffer, not our memory.
 */
export function wrapSocket(socket: Socket, target: Target, limits: ConnectionLimits, onClose: () => void): Connection {
  const pending: Buffer[] = [];
  let ended: { end: ReadEnd; error?: string } | undefined;
  let waiter: ((step: ReadStep) => void) | undefined;
  let bytesRead = 0;
  let bytesWritten = 0;
  let closed = false;

  const finish = (end: ReadEnd, error?: string) => {
    if (!ended) ended = error ? { end, error } : { end };
    deliver();
    close();
  };

  const deliver = () => {
    if (!waiter) return;
    const chunk = pending.shift();
    const resolve = waiter;
    if (chunk) {
      waiter = undefined;
      resolve({ chunk });
    } else if (ended) {
      waiter = undefined;
      resolve(ended);
    }
  };

  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(deadline);
    socket.removeAllListeners('data');
    socket.destroy();
    onClose();
  };

  const deadline = setTimeout(() => finish('deadline-exceeded'), limits.deadlineMs);
  deadline.unref?.();

  socket.pause();
  socket.on('data', (data: Buffer) => {
    const room = limits.maxBytes - bytesRead;
    const accepted = data.length > room ? data.subarray(0, room) : data;
    bytesRead += accepted.length;
    if (accepted.length > 0) pending.push(accepted);
    socket.pause();
    if (data.length > room) finish('byte-cap-exceeded');
    else deliver();
  });
  socket.on('end', () => finish('closed'));
  socket.on('close', () => finish('closed'));
  socket.on('error', (error: NodeJS.ErrnoException) =>
    finish(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'closed' : 'error', error.code ?? error.message),
  );

  const next = (): Promise<ReadStep> => {
    const chunk = pending.shift();
    if (chunk) return Promise.resolve({ chunk });
    if (ended) return Promise.resolve(ended);
    return new Promise<ReadStep>((resolve) => {
      const idle = setTimeout(() => {
        waiter = undefined;
        finish('io-timeout');
        resolve(ended ?? { end: 'io-timeout' });
      }, limits.ioTimeoutMs);
      waiter = (step) => {
        clearTimeout(idle);
        resolve(step);
      };
      if (!closed) socket.resume();
    });
  };

  const poll = (waitMs: number): Promise<ReadStep | { quiet: true }> => {
    const chunk = pending.shift();
    if (chunk) return Promise.resolve({ chunk });
    if (ended) return Promise.resolve(ended);
    return new Promise((resolve) => {
      const quiet = setTimeout(
        () => {
          waiter = undefined;
          if (!closed) socket.pause();
          resolve({ quiet: true });
        },
        Math.min(waitMs, limits.ioTimeoutMs),
      );
      waiter = (step) => {
        clearTimeout(quiet);
        resolve(step);
      };
      if (!closed) socket.resume();
    });
  };

  return {
    target,
    next,
    poll,
    async readUntil(isComplete) {
      const parts: Buffer[] = [];
      let data: Buffer = Buffer.alloc(0);
      for (;;) {
        const step = await next();
        if ('end' in step) return { data, end: step.end, error: step.error };
        parts.push(step.chunk);
        data = parts.length === 1 ? step.chunk : Buffer.concat(parts);
        if (parts.length > 1) parts.splice(0, parts.length, data);
        if (isComplete(data)) return { data };
      }
    },
    write(data) {
      if (closed || socket.destroyed) return Promise.resolve();
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      bytesWritten += bytes.length;
      return new Promise<void>((resolve) => socket.write(bytes, () => resolve()));
    },
    close,
    get bytesRead() {
      return bytesRead;
    },
    get bytesWritten() {
      return bytesWritten;
    },
  };
}
