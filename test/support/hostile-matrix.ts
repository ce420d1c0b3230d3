/**
 * The hostile-device matrix's table and measuring context: what each shipped protocol's hostile
 * peer says first (so that the grabber gets past its first check and meets the hostility where
 * it parses), which hostilities apply to it, and a GrabContext that records every connection and
 * datagram exchange so that a test can check the bytes read against the byte cap.
 */
import type { Target } from '../../src/core/records.ts';
import type { GrabContext } from '../../src/protocols/grab.ts';
import type { Protocol } from '../../src/protocols/protocol.ts';
import type { ConnectionLimits } from '../../src/scope/connection.ts';
import type { TcpFlavour, TcpHostility } from './hostile-peers.ts';
import { createLoopbackContext } from './loopback-context.ts';

/** The survey's limits, shortened so that the whole matrix runs in well under a minute and a half. */
export const matrixLimits: ConnectionLimits = { connectTimeoutMs: 1000, ioTimeoutMs: 300, deadlineMs: 1500, maxBytes: 64 * 1024 };

const text = (value: string) => Buffer.from(value, 'latin1');

const httpFlavour: TcpFlavour = {
  firstLine: text('HTTP/1.1 200 OK\r\n'),
  oversizedPrefix: text('HTTP/1.1 200 OK\r\nX-Oversized: '),
  scheme: 'HTTP/1.1',
};

/** ADB's CNXN header announcing a 10 MiB payload. */
function adbHugeConnect(): Buffer {
  const header = Buffer.alloc(24);
  const command = 0x4e584e43;
  header.writeUInt32LE(command, 0);
  header.writeUInt32LE(0x01000000, 4);
  header.writeUInt32LE(4096, 8);
  header.writeUInt32LE(10 * 1024 * 1024, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20);
  return header;
}

/** EtherNet/IP encapsulation header (ListIdentity reply) claiming the largest length. */
function enipHugeHeader(): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt16LE(0x0063, 0);
  header.writeUInt16LE(0xffff, 2);
  return header;
}

/** First bytes per protocol; protocols not named get none (the hostility starts at once). */
export const tcpFlavours: Readonly<Record<string, TcpFlavour>> = {
  telnet: { greeting: text('login: '), firstLine: text('Welcome to the embedded system\r\n') },
  http: httpFlavour,
  https: httpFlavour,
  upnp: httpFlavour,
  cwmp: httpFlavour,
  ssh: {
    greeting: text('SSH-2.0-OpenSSH_8.9\r\n'),
    firstLine: text('SSH-2.0-OpenSSH_8.9\r\n'),
    // After the identification, a binary packet whose length field claims 0x009fffff bytes.
    oversizedPrefix: Buffer.from([0x00, 0x9f, 0xff, 0xff, 0x04, 0x14]),
  },
  ftp: { greeting: text('220 '), firstLine: text('220-Welcome\r\n'), oversizedPrefix: text('220-') },
  rtsp: { firstLine: text('RTSP/1.0 200 OK\r\n'), oversizedPrefix: text('RTSP/1.0 200 OK\r\nCSeq: 1\r\nX-Oversized: '), scheme: 'RTSP/1.0' },
  // CONNACK whose remaining length is the largest MQTT allows (256 MiB).
  mqtt: { oversizedPrefix: Buffer.from([0x20, 0xff, 0xff, 0xff, 0x7f]) },
  mqtts: { oversizedPrefix: Buffer.from([0x20, 0xff, 0xff, 0xff, 0x7f]) },
  adb: { oversizedPrefix: adbHugeConnect() },
  modbus: { oversizedPrefix: Buffer.from([0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0x01]) },
  enip: { oversizedPrefix: enipHugeHeader() },
  s7: { oversizedPrefix: Buffer.from([0x03, 0x00, 0xff, 0xff]) },
  iec104: { oversizedPrefix: Buffer.from([0x68, 0xff]) },
  fox: { firstLine: text('fox a 0 -1 fox hello\n{\n'), oversizedPrefix: text('fox a 0 -1 fox hello\n{\nhostName=s:') },
  foxs: { firstLine: text('fox a 0 -1 fox hello\n{\n'), oversizedPrefix: text('fox a 0 -1 fox hello\n{\nhostName=s:') },
};

/** Protocols that speak HTTP-like request/response and so meet redirect loops (and, for HTTP, gzip bombs). */
const httpLike = new Set(['http', 'https', 'upnp', 'cwmp']);

/** Whether a TCP hostility applies to a protocol: redirects and bombs only where a reply head can carry them. */
export function tcpHostilityApplies(protocol: Protocol, behaviour: TcpHostility): boolean {
  if (behaviour === 'redirect-loop') return httpLike.has(protocol.name) || protocol.name === 'rtsp';
  if (behaviour === 'gzip-bomb' || behaviour === 'xml-bomb') return httpLike.has(protocol.name);
  return true;
}

/** Bytes one grab read, and the cap each of its connections had. */
export interface ReadLedger {
  connections: number;
  /** Most bytes any one connection (or datagram exchange) read, against its own cap. */
  worst: { bytesRead: number; cap: number };
  total: number;
  /** Connections or exchanges that read more than their cap: must stay 0. */
  overCap: number;
}

/**
 * A loopback GrabContext with the matrix limits that keeps a ledger of what was read.
 * @example const { ctx, ledger } = measuringContext(); await protocol.grab(ctx, target); ledger().overCap // 0
 */
export function measuringContext(limits: ConnectionLimits = matrixLimits): { ctx: GrabContext; ledger: () => ReadLedger } {
  const base = createLoopbackContext(limits);
  const reads: { read: () => number; cap: number }[] = [];
  const ctx: GrabContext = {
    ...base,
    dial: async (target: Target, overrides?: Partial<ConnectionLimits>) => {
      const conn = await base.dial(target, overrides);
      reads.push({ read: () => conn.bytesRead, cap: overrides?.maxBytes ?? limits.maxBytes });
      return conn;
    },
    dialTls: async (target, options) => {
      const conn = await base.dialTls(target, options);
      reads.push({ read: () => conn.bytesRead, cap: options?.limits?.maxBytes ?? limits.maxBytes });
      return conn;
    },
    query: async (target, request, options) => {
      const exchange = await base.query(target, request, options);
      reads.push({ read: () => exchange.bytesRead, cap: options?.limits?.maxBytes ?? limits.maxBytes });
      return exchange;
    },
  };
  const ledger = (): ReadLedger => {
    let worst = { bytesRead: 0, cap: limits.maxBytes };
    let total = 0;
    let overCap = 0;
    for (const { read, cap } of reads) {
      const bytesRead = read();
      total += bytesRead;
      if (bytesRead > cap) overCap += 1;
      if (bytesRead > worst.bytesRead) worst = { bytesRead, cap };
    }
    return { connections: reads.length, worst, total, overCap };
  };
  return { ctx, ledger };
}
