import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import { type SnmpResult, surveyCommunity } from './grabber.ts';

/**
 * The shipped dictionary's entry for the community `public` (default-dictionary.yaml, on-596):
 * findings cite its id. A test keeps the two the same.
 */
export const publicCommunityEntry: DictionaryEntry = {
  id: 'on-596',
  username: surveyCommunity,
  password: '',
  vendors: ['net-snmp', 'hp', 'axis', 'brother'],
  protocols: ['snmp'],
  reason: 'factory-default',
  sources: ['vendor-manual', 'pattern'],
  rank: 6,
};

/**
 * SNMPv1/v2c has no login, only a community sent in the clear with each request: an agent that
 * answered the grab's GetRequest with community `public` lets anyone read it (and the same
 * default is often writable). The grab already proved it, so this checker sends nothing and
 * tries no other community: `public` accepted, or nothing (which closes an earlier finding).
 * @example snmpChecker.concludeFromGrab?.(service) // { status: 'success', accepted: { id: 'on-596', … }, attempts: 0, … }
 */
export const snmpChecker: CredentialChecker<SnmpResult> = {
  appliesTo: (service) => service.protocol === 'snmp' && service.status === 'success' && service.result.community !== undefined,
  concludeFromGrab: (service) => concludeSnmp(service),
  check: async (_ctx, service, entries) => concludeSnmp(service, entries),
};

function concludeSnmp(service: ObservedService<SnmpResult>, entries: readonly DictionaryEntry[] = []): CredentialCheckOutcome {
  const { community, version, sysName } = service.result;
  if (community !== surveyCommunity) return { status: 'success', attempts: 0, evidence: {} };
  // The operator's own dictionary may carry its own entry for the community: cite that one.
  const accepted =
    entries.find((entry) => entry.username === surveyCommunity && entry.password === '' && entry.protocols.includes('snmp')) ?? publicCommunityEntry;
  return {
    status: 'success',
    accepted,
    attempts: 0,
    evidence: { access: 'read', answer: `GetResponse to ${version ?? 'SNMP'} GetRequest`, ...(sysName ? { sysName } : {}) },
  };
}
