import type { Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection } from '../../scope/connection.ts';
import { defineGrabber, type GrabContext, type GrabOutcome } from '../grabber.ts';
import { clientIdentification, findIdentification, parseIdentification } from './codec.ts';

/**
 * Reads the server's identification line (skipping the lines RFC 4253 allows before
 * it), answers with our own so the server logs a clean goodbye, and closes: no key
 * exchange is started.
 */
async function grabSsh(ctx: GrabContext, target: Target): Promise<GrabOutcome> {
  let conn: Connection;
  try {
    conn = await ctx.dial(target);
  } catch (error) {
    if (error instanceof DialFailure) return { status: error.status, result: {}, error: error.message };
    throw error;
  }
  try {
    const read = await conn.readUntil((bytes) => findIdentification(bytes).state !== 'incomplete');
    const search = findIdentification(read.data);
    if (search.state === 'found') {
      await conn.write(clientIdentification);
      return { status: 'success', result: { ...parseIdentification(search.line) } };
    }
    if (search.state === 'invalid') return { status: 'protocol-error', result: {}, error: search.reason };
    const end = read.end ?? 'closed';
    return { status: statusForReadEnd(end), result: {}, error: end === 'closed' ? 'closed before an SSH identification' : (read.error ?? `read ended: ${end}`) };
  } finally {
    conn.close();
  }
}

export default defineGrabber({ name: 'ssh', transport: 'tcp', defaultPorts: [22, 2222], grab: grabSsh });
