import type { Target } from '../../core/records.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { parseGreeting } from './codec.ts';

/** What an FTP grab records: the greeting's text (all its lines) and reply code. */
export type FtpResult = {
  banner: string;
  code: number;
};

/** Reads the whole greeting (multi-line, past any 120 "wait" reply) and closes without sending anything. */
export function grabFtp(ctx: GrabContext, target: Target): Promise<GrabOutcome<FtpResult>> {
  return grabOver(ctx, target, async (conn) => {
    const read = await conn.readUntil((bytes) => parseGreeting(bytes).state !== 'incomplete');
    const greeting = parseGreeting(read.data);
    if (greeting.state === 'invalid') return { status: 'protocol-error', result: {}, error: greeting.reason };
    if (greeting.state === 'incomplete') return endedBefore(read, 'a complete greeting');
    const result = { banner: greeting.text, code: greeting.code };
    if (greeting.code === 220) return { status: 'success', result };
    // 421 "too many connections" and friends: a real FTP server that will not serve us now.
    return { status: 'protocol-error', result, error: `greeting ${greeting.code}: ${greeting.text.slice(0, 200)}` };
  });
}
