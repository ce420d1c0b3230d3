/**
 * Bot or probe: how much a honeypot's record of one address says "this host is infected".
 * The rules and their reasons are documented in docs/honeypot.md; keep the two in step.
 */

/** The figures of one source that the verdict reads. */
export interface HoneypotEvidence {
  loginAttempts: number;
  loginSuccesses: number;
  commands: number;
  /** Downloads (also failed ones) and uploads. */
  fileTransfers: number;
  /** direct-tcpip requests: the attacker used the honeypot as a TCP relay. */
  tcpForwards: number;
}

export interface HoneypotVerdict {
  verdict: 'bot' | 'probe';
  confidence: number;
  reason: string;
}

/**
 * Login attempts from one address that make it a bot even without a login. Mirai's scanner
 * tries up to 10 credential pairs (one per connection, from its 62-entry table) on a target
 * before moving on, and brute-forcers try far more; a person mistyping, or a survey such as
 * NOTICE (a bounded list, spread over weeks), stays below this on a single honeypot.
 */
export const defaultBotLoginAttempts = 10;

/** Many times the threshold: a dictionary run, not a coincidence. */
const heavyAttemptsFactor = 5;

/**
 * Judge one source.
 * @example
 * judgeHoneypotEvidence({ loginAttempts: 3, loginSuccesses: 1, commands: 4, fileTransfers: 1, tcpForwards: 0 })
 * // { verdict: 'bot', confidence: 0.95, reason: 'logged in, ran 4 commands and transferred 1 file' }
 */
export function judgeHoneypotEvidence(evidence: HoneypotEvidence, botLoginAttempts = defaultBotLoginAttempts): HoneypotVerdict {
  const { loginAttempts, loginSuccesses, commands, fileTransfers, tcpForwards } = evidence;
  const files = plural(fileTransfers, 'file');
  const ran = plural(commands, 'command');
  if (fileTransfers > 0 && commands > 0) return bot(0.95, `logged in, ran ${ran} and transferred ${files}`);
  if (fileTransfers > 0) return bot(0.9, `transferred ${files} into the honeypot`);
  // Cowrie only runs commands in a logged-in session, so commands alone prove the login (the
  // login line may sit in an earlier, unread log file).
  if (commands > 0) return bot(0.85, `logged in and ran ${ran}`);
  if (loginSuccesses > 0 && tcpForwards > 0) return bot(0.8, `logged in and asked to relay ${plural(tcpForwards, 'TCP connection')} through the honeypot`);
  if (loginAttempts >= botLoginAttempts * heavyAttemptsFactor) return bot(0.75, `${plural(loginAttempts, 'login attempt')} (dictionary attack)`);
  if (loginAttempts >= botLoginAttempts) return bot(0.65, `${plural(loginAttempts, 'login attempt')} (at least ${botLoginAttempts})`);
  if (loginSuccesses > 0) return probe(0.4, `logged in but did nothing further (${plural(loginAttempts, 'login attempt')})`);
  if (loginAttempts > 0) return probe(0.3, `${plural(loginAttempts, 'login attempt')}, fewer than ${botLoginAttempts}`);
  return probe(0.1, 'connected without trying to log in');
}

function bot(confidence: number, reason: string): HoneypotVerdict {
  return { verdict: 'bot', confidence, reason };
}

function probe(confidence: number, reason: string): HoneypotVerdict {
  return { verdict: 'probe', confidence, reason };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
