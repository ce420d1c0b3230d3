import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { connect as netConnect } from 'node:net';
import type { SecureContext } from 'node:tls';
import { OpenNoticeError } from '../core/errors.ts';
import type { Target } from '../core/records.ts';
import { DialFailure, type Connection, type ConnectionLimits } from './connection.ts';
import { exchangeDatagram, type DatagramExchange, type DatagramLimits, type DatagramSocketFactory } from './datagram.ts';
import { createDialGate, type DialerStats, type GatePass } from './dial-gate.ts';
import { defaultDatagramsPerTarget, type RateOptions } from './limits.ts';
import type { Scope } from './scope.ts';
import { wrapSocket } from './socket-connection.ts';
import { literalAddressLookup } from './sweep-channel.ts';
import { datagramSocketType } from './target-address.ts';
import { createTargetPacer, type TargetTurn } from './target-rate.ts';
import { createSenderPool, type SenderPool } from './sweep-sender-pool.ts';
import { createUdpSweep, type SweepOptions, type UdpSweep } from './udp-sweep.ts';
import { connectTcp, type ConnectFactory } from './tcp-connect.ts';
import { createSurveyTlsContext, startTls, type TlsConnection, type TlsOptions } from './tls-connection.ts';

export type { DialerStats } from './dial-gate.ts';
export type { SweepOptions, SweepStats, UdpSweep } from './udp-sweep.ts';

/** Defaults that keep one hostile device from holding a slot for long. */
export const defaultConnectionLimits: ConnectionLimits = {
  connectTimeoutMs: 3000,
  ioTimeoutMs: 3000,
  deadlineMs: 10_000,
  maxBytes: 256 * 1024,
};

/** UDP defaults beyond the shared limits: a short quiet period and a modest reply count. */
export const defaultDatagramLimits: Pick<DatagramLimits, 'quietMs' | 'maxReplies'> = { quietMs: 500, maxReplies: 16 };

/** Default cap on a UDP request datagram: room for any probe we send (a WS-Discovery probe is the largest). */
export const defaultMaxRequestBytes = 1024;

/** Hard ceiling on the request cap: one unfragmented IPv4 datagram on a 1500-byte MTU link. */
export const maxRequestBytesCeiling = 1472;

export interface DialerOptions {
  scope: Scope;
  rate: RateOptions;
  /** Limits for every transport (UDP uses ioTimeoutMs, deadlineMs and maxBytes). */
  limits?: Partial<ConnectionLimits>;
  /** UDP limits beyond the shared ones (quietMs, maxReplies), or overrides of the shared ones for UDP. */
  datagramLimits?: Partial<DatagramLimits>;
  /** Largest UDP request the dialer sends; larger ones are refused. Default 1024, at most 1472. */
  maxRequestBytes?: number;
  /** Local addresses to send from (the plan's published scanner addresses), used round-robin by every transport. */
  sourceAddresses?: readonly string[];
  signal?: AbortSignal;
  /** TCP socket factory (TLS runs over it too); tests replace it to prove what would have been dialed. */
  connect?: ConnectFactory;
  /** UDP socket factory; tests wrap it to inject datagrams. */
  createDatagramSocket?: DatagramSocketFactory;
}

export interface QueryOptions {
  limits?: Partial<DatagramLimits>;
}

export interface Dialer {
  /** A TCP connection. Throws `DialFailure` when none could be made. */
  dial(target: Target, limits?: Partial<ConnectionLimits>): Promise<Connection>;
  /** A TLS connection over TCP: any certificate accepted, SNI only when `servername` is a host name. Throws `DialFailure`. */
  dialTls(target: Target, options?: TlsOptions): Promise<TlsConnection>;
  /**
   * One UDP request datagram and the replies from the target's address and port. Throws
   * `DialFailure` only when nothing was sent (refused target or request, interrupted survey);
   * every network outcome is the exchange's status.
   */
  query(target: Target, request: Uint8Array, options?: QueryOptions): Promise<DatagramExchange>;
  /**
   * A stateless UDP sweep (udp-sweep.ts): one request datagram per target from one unconnected
   * socket per source address, at a global packet rate (default: `rate.connectionsPerSecond`),
   * replies handed to `onReply` as they come. Same scope check, source addresses, request cap,
   * abort signal and stats as `query`; no admission slot and no per-address pace (one datagram
   * per target per pass is the pace). Cannot see ICMP port-unreachable.
   */
  sweep(options: SweepOptions): UdpSweep;
  stats(): DialerStats;
  /** Ends the sweeps' sender threads (if any started). The dialer sends nothing more after it. */
  close(): Promise<void>;
}

/**
 * The only code that opens sockets to survey targets. Every connection and datagram,
 * including redirects and credential retries, passes the scope check, admission (rate and
 * concurrency) and the source-address choice, and gets the enforced limits.
 * @example const dialer = createDialer({ scope, rate: { connectionsPerSecond: 500, maxConcurrent: 200, perHostConcurrent: 2 } })
 * @example const conn = await dialer.dialTls({ ip: '192.0.2.7', port: 443 }, { alpn: ['http/1.1'] }); conn.tls.certificate?.fingerprintSha256
 * @example const exchange = await dialer.query({ ip: '192.0.2.7', port: 161 }, snmpGet, { limits: { maxReplies: 1 } })
 * @example const sweep = dialer.sweep({ onReply: (target, data) => answers.push(target) }); await sweep.send(target, request); await sweep.close()
 */
export function createDialer(options: DialerOptions): Dialer {
  const gate = createDialGate(options);
  const pacer = createTargetPacer(options.rate.datagramsPerTarget ?? defaultDatagramsPerTarget);
  const baseLimits = { ...defaultConnectionLimits, ...options.limits };
  const baseDatagramLimits: DatagramLimits = {
    ioTimeoutMs: baseLimits.ioTimeoutMs,
    deadlineMs: baseLimits.deadlineMs,
    maxBytes: baseLimits.maxBytes,
    ...defaultDatagramLimits,
    ...options.datagramLimits,
  };
  const maxRequestBytes = options.maxRequestBytes ?? defaultMaxRequestBytes;
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 0 || maxRequestBytes > maxRequestBytesCeiling) {
    throw new OpenNoticeError('CONFIG_INVALID', `the UDP request cap must be 0..${maxRequestBytesCeiling} bytes, not ${maxRequestBytes}`, { maxRequestBytes });
  }
  const connect = options.connect ?? netConnect;
  const createDatagramSocket = options.createDatagramSocket ?? ((type) => createSocket({ type, lookup: literalAddressLookup }));
  let tlsContext: SecureContext | undefined;
  // The sweeps' sender threads, started by the first sweep that wants one and kept for the next.
  let pool: SenderPool | undefined;
  const senderPool = () => {
    pool ??= createSenderPool();
    return pool;
  };

  return {
    stats: () => gate.stats(),

    async close() {
      await pool?.close();
    },

    sweep: (sweepOptions) =>
      createUdpSweep(
        {
          gate,
          // The sweep's own sockets (and sender threads) unless a test brought a factory of its own.
          ...(options.createDatagramSocket ? { createSocket: options.createDatagramSocket } : { senderPool: senderPool() }),
          defaultPacketsPerSecond: options.rate.connectionsPerSecond,
          maxRequestBytes,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        sweepOptions,
      ),

    async dial(target, overrides) {
      const limits = { ...baseLimits, ...overrides };
      gate.check(target);
      const pass = await gate.admit(target, 'tcp');
      try {
        return await connectTcp({ connect, target, localAddress: pass.localAddress, timeoutMs: limits.connectTimeoutMs }, (socket) =>
          wrapSocket(socket, target, limits, pass.release),
        );
      } catch (error) {
        pass.release();
        throw error;
      }
    },

    async dialTls(target, tlsOptions = {}) {
      const limits = { ...baseLimits, ...tlsOptions.limits };
      gate.check(target);
      tlsContext ??= createSurveyTlsContext();
      const context = tlsContext;
      const pass = await gate.admit(target, 'tls');
      const startedAt = performance.now();
      try {
        // One budget for both handshakes: the TLS one gets what the TCP one left.
        return await connectTcp({ connect, target, localAddress: pass.localAddress, timeoutMs: limits.connectTimeoutMs }, (socket) =>
          startTls(socket, {
            target,
            servername: tlsOptions.servername,
            alpn: tlsOptions.alpn,
            timeoutMs: Math.max(1, limits.connectTimeoutMs - (performance.now() - startedAt)),
            limits,
            context,
            onClose: pass.release,
          }),
        );
      } catch (error) {
        pass.release();
        throw error;
      }
    },

    async query(target, request, queryOptions = {}) {
      if (request.length > maxRequestBytes) {
        throw new DialFailure(
          'blocked-target',
          target,
          `a ${request.length}-byte UDP request exceeds the ${maxRequestBytes}-byte request cap`,
          'request-too-large',
        );
      }
      const family = gate.check(target);
      const limits = { ...baseDatagramLimits, ...queryOptions.limits };
      // A private copy: the caller's buffer may change while the request waits its turn.
      const bytes = Buffer.from(request);
      let turn: TargetTurn;
      try {
        turn = await pacer.turn(target.ip, options.signal);
      } catch {
        throw new DialFailure('unknown-error', target, 'survey interrupted', 'interrupted');
      }
      let pass: GatePass;
      try {
        pass = await gate.admit(target, 'udp');
      } catch (error) {
        turn.cancel();
        throw error;
      }
      let socket: DatagramSocket;
      try {
        socket = createDatagramSocket(datagramSocketType[family]);
      } catch (error) {
        turn.cancel();
        pass.release();
        throw new DialFailure(
          'unknown-error',
          target,
          `could not open a UDP socket: ${error instanceof Error ? error.message : String(error)}`,
          'socket-error',
        );
      }
      return exchangeDatagram({
        socket,
        target,
        request: bytes,
        localAddress: pass.localAddress,
        limits,
        signal: options.signal,
        onSent: () => turn.sent(),
        onDone: (exchange) => {
          turn.cancel();
          pass.release();
          if (exchange.strays > 0) gate.countStrays(exchange.strays);
        },
      });
    },
  };
}
