import type { CredentialChecker } from './checker.ts';
import ftp from '../../protocols/ftp/credentials.ts';
import http from '../../protocols/http/credentials.ts';
import ssh from '../../protocols/ssh/credentials.ts';
import telnet from '../../protocols/telnet/credentials.ts';

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
