/**
 * One SSH connection for a credential check: dial through the project's dialer, key
 * exchange, the ssh-userauth service — then the caller tries logins and closes.
 */
import type { GrabStatus, Target } from '../../../core/records.ts';
import { statusForReadEnd } from '../../../scope/connection.ts';
import { dialOrStatus, type GrabContext } from '../../grab.ts';
import { clientIdentification } from '../codec.ts';
import { supportedAlgorithms, type AlgorithmPreferences } from './algorithms.ts';
import { clientHandshake, HandshakeEnded, identificationStage, type HandshakeResult } from './handshake.ts';
import { createMessageStream } from './stream.ts';
import { createAuthClient, type AuthClient } from './userauth.ts';
import { SshProtocolError } from './wire.ts';

export interface SshClientOptions {
  /** Algorithms to offer, most preferred first (tests narrow them to force one method). */
  preferences: AlgorithmPreferences;
  /** Our identification line without CR LF. */
  clientVersion: string;
}

export const defaultSshClientOptions: SshClientOptions = {
  preferences: supportedAlgorithms,
  clientVersion: clientIdentification.trimEnd(),
};

export interface SshLoginSession {
  handshake: HandshakeResult;
  auth: AuthClient;
  /** Close the TCP connection at once; nothing more is sent. */
  close(): void;
}

/** `busy`: the server hung up before its identification line or disconnected with "too many …" (MaxStartups, dropbear's unauthenticated-connection limit). */
export type OpenedSession = { session: SshLoginSession } | { status: GrabStatus; error: string; busy?: boolean };

/** Disconnect texts of servers refusing more connections (reason 12, SSH_DISCONNECT_TOO_MANY_CONNECTIONS, and friends). */
const busyDisconnect = /too many|max ?startups|maximum .*connections/i;

/**
 * Open a connection ready for authentication requests. Never throws for network or
 * protocol trouble: those come back as a status (garbage and bad signatures are
 * `protocol-error`).
 * @example const opened = await openSshLoginSession(ctx, { ip: '127.0.0.1', port: 22 }); if ('session' in opened) await opened.session.auth.none('root')
 */
export async function openSshLoginSession(ctx: GrabContext, target: Target, options: SshClientOptions = defaultSshClientOptions): Promise<OpenedSession> {
  const dialed = await dialOrStatus(ctx, target);
  if (!('conn' in dialed)) return dialed;
  const { conn } = dialed;
  try {
    const stream = createMessageStream(conn);
    const handshake = await clientHandshake(stream, options);
    const auth = createAuthClient(stream);
    const service = await auth.requestService();
    if (!('accepted' in service)) {
      conn.close();
      return {
        status: service.end === 'closed' ? 'protocol-error' : statusForReadEnd(service.end),
        error: service.error ?? `connection ${service.end} before ssh-userauth was accepted`,
      };
    }
    return { session: { handshake, auth, close: () => conn.close() } };
  } catch (error) {
    conn.close();
    const failure = failureOf(error);
    if (!(error instanceof HandshakeEnded) || error.read.end !== 'closed') return failure;
    const busy = error.stage === identificationStage || busyDisconnect.test(error.read.disconnect ?? '');
    return busy ? { ...failure, busy } : failure;
  }
}

/**
 * The status of an exception thrown while talking SSH; anything that is not an SSH
 * failure is a bug and is thrown again.
 * @example failureOf(new SshProtocolError('MAC mismatch')) // { status: 'protocol-error', error: 'MAC mismatch' }
 */
export function failureOf(error: unknown): { status: GrabStatus; error: string } {
  if (error instanceof SshProtocolError) return { status: 'protocol-error', error: error.message };
  if (error instanceof HandshakeEnded)
    return { status: error.read.end === 'closed' ? 'protocol-error' : statusForReadEnd(error.read.end), error: error.message };
  throw error;
}
