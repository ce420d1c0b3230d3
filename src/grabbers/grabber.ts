import type { GrabResult, GrabStatus, Target } from '../core/records.ts';
import type { Connection, ConnectionLimits } from '../scope/connection.ts';

/**
 * What a grabber (or credential checker) may use. It never opens sockets itself:
 * `dial` enforces scope, exclusions, rates, timeouts and byte caps on every connection.
 */
export interface GrabContext {
  dial(target: Target, limits?: Partial<ConnectionLimits>): Promise<Connection>;
  /** HTTP User-Agent (and similar) that identifies the scanner and its transparency page. */
  userAgent: string;
  /** Aborted when the survey is interrupted. */
  signal: AbortSignal;
}

export interface GrabOutcome {
  status: GrabStatus;
  /** Fields extracted so far, kept even when status is not success. */
  result: GrabResult;
  error?: string;
}

/** One protocol, one object. */
export interface Grabber {
  name: string;
  transport: 'tcp';
  defaultPorts: readonly number[];
  /** Grab one service. Must not throw for network trouble; the runner catches what escapes. */
  grab(ctx: GrabContext, target: Target): Promise<GrabOutcome>;
}

/** Identity function that gives grabber definitions their type. */
export function defineGrabber(grabber: Grabber): Grabber {
  return grabber;
}
