import { createAttemptLog } from '../../../src/assess/credentials/attempts.ts';
import { dialOrStatus } from '../../../src/protocols/grab.ts';
import type { CredentialChecker } from '../../../src/protocols/credential-checker.ts';
import { firstLine, formatLogin } from './codec.ts';
import type { AcmeStatusResult } from './grabber.ts';

/** One connection per pair: greeting, LOGIN, OK or DENIED; closes at once after OK. A device that needs no login is reported as such. */
export const acmeStatusChecker: CredentialChecker<AcmeStatusResult> = {
  appliesTo: (service) => service.protocol === 'acme-status' && service.status === 'success',
  async check(ctx, service, entries, limits) {
    const target = { ip: service.ip, port: service.port };
    if (service.result.loginRequired === false)
      return { status: 'success', noAuthentication: true, attempts: 0, evidence: { greeting: service.result.greeting } };
    const log = createAttemptLog(target, 'acme-status', limits);
    for (const entry of entries) {
      if (!log.hasRoom()) break;
      const dialed = await dialOrStatus(ctx, target);
      if (!('conn' in dialed)) return { status: dialed.status, attempts: log.count, evidence: {}, error: dialed.error };
      const { conn } = dialed;
      try {
        await conn.readUntil((bytes) => firstLine(bytes) !== undefined);
        await conn.write(formatLogin(entry.username, entry.password));
        const answer = firstLine((await conn.readUntil((bytes) => firstLine(bytes) !== undefined)).data);
        if (answer === 'OK') {
          log.record(entry, 'accepted');
          return { status: 'success', accepted: entry, attempts: log.count, evidence: { answer } };
        }
        log.record(entry, answer === 'DENIED' ? 'rejected' : 'error', answer ?? 'no answer');
      } finally {
        conn.close();
      }
    }
    return { status: 'success', attempts: log.count, evidence: {} };
  },
};
