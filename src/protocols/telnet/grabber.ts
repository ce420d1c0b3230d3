import type { GrabStatus, Target } from '../../core/records.ts';
import { statusForReadEnd } from '../../scope/connection.ts';
import { grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { deviceText, isMostlyBinary, splitPrompt, type NegotiationSummary, type PromptKind } from './codec.ts';
import { createTelnetSession, defaultTelnetSessionOptions, type PromptWait, type TelnetSessionOptions } from './session.ts';

/** What a telnet grab records: the text before the prompt, the prompt and its kind, the options negotiated. */
export type TelnetResult = {
  banner: string;
  prompt: string;
  promptKind: PromptKind;
  negotiation: NegotiationSummary;
};

/**
 * A telnet grabber with its own timing (tests shorten the quiet period).
 * @example const grabber = createTelnetGrabber({ quietMs: 200 })
 */
export function createTelnetGrabber(options: Partial<TelnetSessionOptions> = {}): {
  grab(ctx: GrabContext, target: Target): Promise<GrabOutcome<TelnetResult>>;
} {
  const sessionOptions = { ...defaultTelnetSessionOptions, ...options };
  return { grab: (ctx, target) => grabTelnet(ctx, target, sessionOptions) };
}

function grabTelnet(ctx: GrabContext, target: Target, options: TelnetSessionOptions): Promise<GrabOutcome<TelnetResult>> {
  return grabOver(ctx, target, async (conn) => {
    const session = createTelnetSession(conn, options);
    let wait: PromptWait;
    try {
      wait = await session.waitForPrompt();
    } finally {
      // The session's own close holds back unsent negotiation answers (see session.ts).
      session.close();
    }
    const text = deviceText(session.received);
    const result: TelnetResult = { ...splitPrompt(text), negotiation: session.negotiation };
    const { status, error } = judge(wait, result, isMostlyBinary(session.received));
    return error ? { status, result, error } : { status, result };
  });
}

/** Decide the grab's status from how the wait ended and what was seen. */
function judge(wait: PromptWait, result: TelnetResult, binary: boolean): { status: GrabStatus; error?: string } {
  if (result.promptKind !== 'none') return { status: 'success' };
  const sawText = result.banner.length > 0 || result.prompt.length > 0;
  if (binary) return { status: 'protocol-error', error: 'binary data, not a terminal' };
  if (wait.storm) return sawText ? { status: 'success' } : { status: 'protocol-error', error: 'negotiation storm without any text' };
  // Quiet after a banner, or a banner and then a close: a real (if promptless) service.
  if (sawText && (wait.quiet || wait.end === 'closed')) return { status: 'success' };
  if (wait.end) {
    const detail = wait.end === 'closed' ? 'closed without sending any text' : (wait.error ?? `read ended: ${wait.end}`);
    return { status: statusForReadEnd(wait.end), error: detail };
  }
  return { status: 'protocol-error', error: 'no prompt recognised' };
}
