/**
 * Per-connection housekeeping for the simulated servers: timers that die with the
 * socket, writes that are skipped once it is gone, one idle timeout. Every timer is
 * unref'd and cleared on close, so a lab never keeps a process alive by itself.
 */
import type { Socket } from 'node:net';

export interface ConnectionScope {
  readonly socket: Socket;
  /** True once the socket closed or was destroyed. */
  readonly closed: boolean;
  /** Run `action` after `ms` unless the connection has closed by then. */
  later(ms: number, action: () => void): void;
  /** Write if still open; returns false when the kernel buffer is full (wait for 'drain'). */
  write(data: string | Buffer): boolean;
  /** (Re)start the idle timer: `onIdle` runs after `ms` without a call to touch(). */
  idle(ms: number, onIdle: () => void): void;
  touch(): void;
  /** Half-close after flushing, then destroy shortly after in case the peer never closes. */
  finish(data?: string | Buffer): void;
}

/** Most time a finished connection may linger waiting for the peer's FIN. */
const lingerMs = 2000;

/**
 * @example const scope = connectionScope(socket); scope.later(150, () => scope.write('Login incorrect\r\n'))
 */
export function connectionScope(socket: Socket): ConnectionScope {
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let idleMs = 0;
  let onIdle: (() => void) | undefined;

  const clearAll = () => {
    closed = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
  };
  socket.once('close', clearAll);
  // A peer that vanishes mid-write must not crash the lab.
  socket.on('error', () => socket.destroy());

  const later = (ms: number, action: () => void) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed && !socket.destroyed) action();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    if (closed || !onIdle) return;
    idleTimer = setTimeout(() => {
      if (!closed && !socket.destroyed) onIdle?.();
    }, idleMs);
    idleTimer.unref();
  };

  return {
    socket,
    get closed() {
      return closed || socket.destroyed;
    },
    later,
    write(data) {
      if (closed || socket.destroyed || !socket.writable) return false;
      return socket.write(data);
    },
    idle(ms, action) {
      idleMs = ms;
      onIdle = action;
      armIdle();
    },
    touch: armIdle,
    finish(data) {
      if (closed || socket.destroyed) return;
      if (data !== undefined && socket.writable) socket.end(data);
      else socket.end();
      later(lingerMs, () => socket.destroy());
    },
  };
}
