import type { Target } from '../../core/records.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { clientIdentification, findIdentification, parseIdentification, type SshIdentification } from './codec.ts';

/** What an SSH grab records: the server's identification line and its parts. */
export type SshResult = SshIdentification;

/**
 * Reads the server's identification line (skipping the lines RFC 4253 allows before
 * it), answers with our own so the server logs a clean goodbye, and closes: no key
 * exchange is started.
 */
export function grabSsh(ctx: GrabContext, target: Target): Promise<GrabOutcome<SshResult>> {
  return grabOver(ctx, target, async (conn) => {
    const read = await conn.readUntil((bytes) => findIdentification(bytes).state !== 'incomplete');
    const search = findIdentification(read.data);
    if (search.state === 'found') {
      await conn.write(clientIdentification);
      return { status: 'success', result: { ...parseIdentification(search.line) } };
    }
    if (search.state === 'invalid') return { status: 'protocol-error', result: {}, error: search.reason };
    return endedBefore(read, 'an SSH identification');
  });
}
