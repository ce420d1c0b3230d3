import { randomInt } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { decodeFrame, encodeRequest, maxFrames, parseStats, reassemble, type UdpFrame } from './codec.ts';

/** What a memcached grab records from `stats`. */
export type MemcachedResult = {
  version?: string;
  pid?: number;
  /** Seconds since the server started. */
  uptime?: number;
  currConnections?: number;
  currItems?: number;
  /** Bytes the cache may hold (`limit_maxbytes`). */
  limitMaxbytes?: number;
  threads?: number;
  /** Every datagram of the reply arrived and it ended with END. */
  complete?: boolean;
  reflection?: ReflectionMeasure;
};

/** Silence after a datagram that ends the collection: memcached sends the whole reply at once. */
const quietMs = 300;

/**
 * One `stats` request in a UDP frame (a random request id, sequence 0 of 1): the statistics of
 * the cache — read only, nothing stored, fetched or flushed. Every datagram of the reply is
 * collected (bounded), put in order by sequence, and its STAT lines read. Only frames with our
 * request id count, for the fields and for the reflection figures.
 * @example const { result } = await grabMemcached(ctx, { ip: '192.0.2.1', port: 11211 }) // result.version === '1.6.18'
 */
export async function grabMemcached(ctx: GrabContext, target: Target): Promise<GrabOutcome<MemcachedResult>> {
  const requestId = randomInt(0, 0x10000);
  const request = encodeRequest(requestId, 'stats');
  const exchange = await ctx.query(target, request, { limits: { maxReplies: maxFrames, quietMs } });
  const frames: Array<{ reply: DatagramReply; frame: UdpFrame }> = [];
  for (const reply of exchange.replies) {
    const frame = decodeFrame(reply.data);
    if (frame) frames.push({ reply, frame });
  }
  const assembled = reassemble(
    frames.map((entry) => entry.frame),
    requestId,
  );
  const { stats, ended } = parseStats(assembled.text);
  if (Object.keys(stats).length === 0) {
    if (exchange.replies.length === 0) return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
    return { status: 'protocol-error', result: {}, error: frames.length === 0 ? 'no memcached UDP frame' : 'no STAT line from our request' };
  }
  const kept = new Set(assembled.frames);
  const answers = frames.filter((entry) => kept.has(entry.frame)).map((entry) => entry.reply);
  const number = (name: string) => {
    const value = Number(stats[name]);
    return stats[name] !== undefined && Number.isFinite(value) ? value : undefined;
  };
  const result: MemcachedResult = {
    ...(stats.version ? { version: stats.version } : {}),
    pid: number('pid'),
    uptime: number('uptime'),
    currConnections: number('curr_connections'),
    currItems: number('curr_items'),
    limitMaxbytes: number('limit_maxbytes'),
    threads: number('threads'),
    complete: assembled.complete && ended,
    reflection: reflectionOf('stats', request.length, answers),
  };
  for (const key of Object.keys(result) as Array<keyof MemcachedResult>) if (result[key] === undefined) delete result[key];
  // Valid statistics are a success even when the byte cap or the deadline cut the collection short (`complete` says so).
  return { status: 'success', result };
}
