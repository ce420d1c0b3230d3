import type { Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection } from '../../scope/connection.ts';
import { defineGrabber, type GrabContext, type GrabOutcome } from '../grabber.ts';
import { parseGreeting } from './codec.ts';

/** Reads the whole greeting (multi-line, past any 120 "wait" reply) and closes without sending anything. */
async function grabFtp(ctx: GrabContext, target: Target): Promise<GrabOutcome> {
  let conn: Connection;
  try {
    conn = await ctx.dial(target);
  } catch (error) {
    if (error instanceof DialFailure) return { status: error.status, result: {}, error: error.message };
    throw error;
  }
  let read: Awaited<ReturnType<Connection['readUntil']>>;
  try {
    read = await conn.readUntil((bytes) => parseGreeting(bytes).state !== 'incomplete');
  } finally {
    conn.close();
  }
  const greeting = parseGreeting(read.data);
  if (greeting.state === 'invalid') return { status: 'protocol-error', result: {}, error: greeting.reason };
  if (greeting.state === 'incomplete') {
    const end = read.end ?? 'closed';
    return { status: statusForReadEnd(end), result: {}, error: end === 'closed' ? 'closed before a complete greeting' : (read.error ?? `read ended: ${end}`) };
  }
  const result = { banner: greeting.text, code: greeting.code };
  if (greeting.code === 220) return { status: 'success', result };
  // 421 "too many connections" and friends: a real FTP server that will not serve us now.
  return { status: 'protocol-error', result, error: `greeting ${greeting.code}: ${greeting.text.slice(0, 200)}` };
}

export default defineGrabber({ name: 'ftp', transport: 'tcp', defaultPorts: [21], grab: grabFtp });
