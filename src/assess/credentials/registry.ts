import type { CredentialChecker } from './checker.ts';
import ftp from './ftp.ts';
import http from './http.ts';
import ssh from './ssh.ts';
import telnet from './telnet.ts';

/**
 * Every credential checker opennotice ships. The survey uses the first whose
 * `appliesTo` accepts a grabbed service.
 */
export const credentialCheckers: readonly CredentialChecker[] = [telnet, http, ftp, ssh];

/**
 * @example credentialCheckerFor(observation)?.protocol // "telnet"
 */
export function credentialCheckerFor(service: Parameters<CredentialChecker['appliesTo']>[0]): CredentialChecker | undefined {
  return credentialCheckers.find((checker) => checker.appliesTo(service));
}
