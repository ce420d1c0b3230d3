import type { Target } from '../../../src/core/records.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../../../src/protocols/grab.ts';
import { firstLine, parseGreeting } from './codec.ts';

/** What a grab of the ACME status protocol records. */
export type AcmeStatusResult = {
  greeting: string;
  model: string;
  firmware: string;
  loginRequired: boolean;
};

/** Reads the greeting line and closes. */
export function grabAcmeStatus(ctx: GrabContext, target: Target): Promise<GrabOutcome<AcmeStatusResult>> {
  return grabOver(ctx, target, async (conn) => {
    const read = await conn.readUntil((bytes) => firstLine(bytes) !== undefined);
    const line = firstLine(read.data);
    if (line === undefined) return endedBefore(read, 'a greeting line');
    const greeting = parseGreeting(line);
    if (!greeting) return { status: 'protocol-error', result: { greeting: line }, error: 'not an ACME status greeting' };
    return { status: 'success', result: { greeting: line, ...greeting } };
  });
}
