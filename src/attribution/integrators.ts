/**
 * System integrators: companies that install and run devices for their customers (building
 * management, cameras, solar monitoring) and can fix them where the subscriber cannot. The
 * registry file names each integrator's managed address ranges and customer ids; this module
 * indexes the ranges and answers which integrator manages an address.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { parseIPv4, parseIPv6Words, parsePrefix } from './address.ts';
import type { ReportLanguage } from './isp-registry.ts';
import { createRangeIndexBuilder } from './range-index.ts';

export interface IntegratorContacts {
  /** Where its report is mailed. */
  email: string;
  /** The language of its report. */
  language: ReportLanguage;
}

export interface Integrator {
  /** Stable identifier, e.g. "kita-systems"; lower case, digits, ".", "_", "-". */
  id: string;
  name: string;
  contacts: IntegratorContacts;
  /** IPv4 and IPv6 CIDRs it manages (its customers' fixed addresses, its VPN pools). */
  ranges: string[];
  /**
   * Customer ids it manages at participating ISPs, kept for the ISP to match on its side:
   * the survey sees addresses, not customers, so only `ranges` attribute findings.
   */
  customerIds: string[];
}

export interface IntegratorMatch {
  integrator: Integrator;
  /** The managed range that holds the address. */
  range: string;
}

export interface IntegratorIndex {
  readonly integrators: readonly Integrator[];
  byId(id: string): Integrator | undefined;
  /** The integrator whose range holds `address` (the narrowest range when ranges nest). */
  find(address: string): IntegratorMatch | undefined;
}

/**
 * Index integrators by their ranges. A duplicate id, a range that is not a network prefix,
 * or one range claimed by two integrators is CONFIG_INVALID: a device must never be reported
 * to the wrong company by accident.
 * @example
 * const index = createIntegratorIndex([{ id: 'kita', name: 'Kita Systems', contacts: { email: 'psirt@kita.example', language: 'ja' }, ranges: ['192.0.2.0/28'], customerIds: [] }]);
 * index.find('192.0.2.5')?.integrator.id // 'kita'
 */
export function createIntegratorIndex(integrators: readonly Integrator[]): IntegratorIndex {
  const byId = new Map<string, Integrator>();
  const rangeOwners = new Map<string, Integrator>();
  const ranges: IntegratorMatch[] = [];
  const builder = createRangeIndexBuilder();
  const conflict = (message: string, context: Record<string, unknown>) => new OpenNoticeError('CONFIG_INVALID', message, context);
  for (const integrator of integrators) {
    if (byId.has(integrator.id)) throw conflict(`integrator id "${integrator.id}" is used twice`, { integratorId: integrator.id });
    byId.set(integrator.id, integrator);
    for (const text of integrator.ranges) {
      const prefix = parsePrefix(text);
      if (!prefix || prefix.hostBitsSet)
        throw conflict(`integrator "${integrator.id}": "${text}" is not a network prefix`, { integratorId: integrator.id, range: text });
      const canonical = `${prefix.family}:${String(prefix.first)}/${prefix.length}`;
      const owner = rangeOwners.get(canonical);
      if (owner) throw conflict(`range ${text} is claimed by both "${owner.id}" and "${integrator.id}"`, { integratorId: integrator.id, range: text });
      rangeOwners.set(canonical, integrator);
      if (prefix.family === 4) builder.addIPv4(prefix.first, prefix.last, ranges.length);
      else builder.addIPv6(prefix.first, prefix.last, ranges.length);
      ranges.push({ integrator, range: text });
    }
  }
  const index = builder.build();
  const words = new Uint32Array(4);
  return {
    integrators,
    byId: (id) => byId.get(id),
    find(address) {
      const v4 = parseIPv4(address);
      let found = -1;
      if (v4 !== undefined) found = index.lookupIPv4(v4);
      else if (address.includes(':') && parseIPv6Words(address, words)) found = index.lookupIPv6(words);
      return found < 0 ? undefined : ranges[found];
    },
  };
}
