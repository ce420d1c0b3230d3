import { connect as netConnect, type Socket, type NetConnectOpts } from 'node:net';
import type { Target } from '../core/records.ts';
import { DialFailure, type Connection, type ConnectionLimits } from './connection.ts';
import { createAdmission, type RateOptions } from './limits.ts';
import type { Scope } from './scope.ts';
import { wrapSocket } from './socket-connection.ts';
import { parseIPv4 } from './ipv4.ts';

/** Defaults that keep one hostile device from holding a slot for long. */
export const defaultConnectionLimits: ConnectionLimits = {
  connectTimeoutMs: 3000,
  ioTimeoutMs: 3000,
  deadlineMs: 10_000,
  maxBytes: 256 * 1024,
};

export interface DialerOptions {
  scope: Scope;
  rate: RateOptions;
  limits?: Partial<ConnectionLimits>;
  /** Local addresses to send from (the plan's published scanner addresses), used round-robin. */
  sourceAddresses?: readonly string[];
  signal?: AbortSignal;
  /** Socket factory; tests replace it to prove what would have been dialed. */
  connect?: (options: NetConnectOpts) => Socket;
}

export interface DialerStats {
  dialed: number;
  refusedByScope: number;
  open: number;
}

export interface Dialer {
  dial(target: Target, limits?: Partial<ConnectionLimits>): Promise<Connection>;
  stats(): DialerStats;
}

/**
 * The only code that opens sockets to survey targets. Every connection, including
 * redirects and credential retries, passes scope, admission (rate and concurrency)
 * and gets the enforced limits.
 * @example const dialer = createDialer({ scope, rate: { connectionsPerSecond: 500, maxConcurrent: 200, perHostConcurrent: 2 } })
 */
export function createDialer(options: DialerOptions): Dialer {
  const admission = createAdmission(options.rate);
  const baseLimits = { ...defaultConnectionLimits, ...options.limits };
  const connect = options.connect ?? netConnect;
  const sources = options.sourceAddresses ?? [];
  let dialed = 0;
  let refusedByScope = 0;

  return {
    stats: () => ({ dialed, refusedByScope, open: admission.open }),
    async dial(target, overrides) {
      const limits = { ...baseLimits, ...overrides };
      if (parseIPv4(target.ip) === undefined) {
        refusedByScope++;
        throw new DialFailure('blocked-target', target, `not an IPv4 address literal: ${target.ip}`);
      }
      if (!options.scope.allows(target.ip)) {
        refusedByScope++;
        throw new DialFailure('blocked-target', target, `${target.ip} is outside the scope or excluded`);
      }
      if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
        throw new DialFailure('blocked-target', target, `invalid port ${target.port}`);
      }
      let release: () => void;
      try {
        release = await admission.admit(target.ip, options.signal);
      } catch {
        throw new DialFailure('unknown-error', target, 'survey interrupted');
      }
      dialed++;
      const localAddress = sources.length > 0 ? sources[dialed % sources.length] : undefined;
      return new Promise<Connection>((resolve, reject) => {
        const socket = connect({ host: target.ip, port: target.port, localAddress, noDelay: true });
        const fail = (status: 'connection-refused' | 'connection-timeout' | 'unknown-error', message: string) => {
          clearTimeout(timer);
          socket.removeAllListeners();
          socket.on('error', () => {});
          socket.destroy();
          release();
          reject(new DialFailure(status, target, message));
        };
        const timer = setTimeout(() => fail('connection-timeout', `no answer within ${limits.connectTimeoutMs} ms`), limits.connectTimeoutMs);
        socket.once('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNREFUSED') fail('connection-refused', 'connection refused');
          else if (error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') fail('connection-timeout', error.code);
          else fail('unknown-error', error.code ?? error.message);
        });
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.removeAllListeners('error');
          resolve(wrapSocket(socket, target, limits, release));
        });
      });
    },
  };
}
