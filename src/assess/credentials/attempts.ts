import type { CredentialAttempt, Target } from '../../core/records.ts';
import type { DictionaryEntry } from './dictionary.ts';

export interface AttemptLog {
  /** Attempts recorded so far. */
  readonly count: number;
  /** True while another attempt fits under the cap. */
  hasRoom(): boolean;
  /** Count one attempt and hand it to the audit log. The password never goes into it. */
  record(entry: DictionaryEntry, outcome: CredentialAttempt['outcome'], detail?: string): void;
}

/**
 * Counts attempts against `maxAttempts` and reports each to the plan's audit log.
 * @example const log = createAttemptLog(service, 'telnet', options); log.record(entry, 'rejected', 'login prompt again')
 */
export function createAttemptLog(target: Target, protocol: string, options: { maxAttempts: number; audit: (attempt: CredentialAttempt) => void }): AttemptLog {
  let count = 0;
  return {
    get count() {
      return count;
    },
    hasRoom: () => count < options.maxAttempts,
    record(entry, outcome, detail) {
      count++;
      const attempt: CredentialAttempt = {
        ip: target.ip,
        port: target.port,
        protocol,
        dictionaryEntryId: entry.id,
        username: entry.username,
        outcome,
        attemptedAt: new Date().toISOString(),
      };
      if (detail) attempt.detail = redact(detail, entry.password);
      options.audit(attempt);
    },
  };
}

/**
 * Remove a password from text that may have echoed it (a device that echoes input).
 * @example redact('login: admin\nPassword: hunter2', 'hunter2') // "login: admin\nPassword: ***"
 */
export function redact(text: string, password: string): string {
  return password.length >= 3 ? text.split(password).join('***') : text;
}
