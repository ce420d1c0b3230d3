import type { CredentialChecker, CredentialCheckOutcome, ObservedService } from '../credential-checker.ts';
import type { AdbResult } from './grabber.ts';

/**
 * ADB has no password to try: a device either lets any host in (it answered CNXN with its own
 * CNXN), or asks for a key the owner authorised. So this checker tries no pair and sends nothing:
 * it concludes from the grab, `no-authentication` when the device let us in, nothing (which
 * closes an earlier finding) when it asked for a key.
 * @example await adbChecker.check(ctx, service, entries, limits) // { status: 'success', noAuthentication: true, attempts: 0, … }
 */
export const adbChecker: CredentialChecker<AdbResult> = {
  appliesTo: (service) => service.protocol === 'adb' && service.status === 'success' && service.result.state !== undefined,
  concludeFromGrab: (service) => concludeAdb(service),
  check: async (_ctx, service) => concludeAdb(service),
};

function concludeAdb(service: ObservedService<AdbResult>): CredentialCheckOutcome {
  const { state, productModel, systemType } = service.result;
  if (state !== 'open') return { status: 'success', attempts: 0, evidence: { state } };
  return {
    status: 'success',
    noAuthentication: true,
    attempts: 0,
    evidence: { state, answer: 'CNXN without AUTH', ...(systemType ? { systemType } : {}), ...(productModel ? { productModel } : {}) },
  };
}
