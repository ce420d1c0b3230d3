/**
 * Attribution: IP → routed prefix → origin AS → ISP (registry) → contact, with RDAP as the
 * fallback for networks no registered ISP answers for. Every address gets an Attribution;
 * when no ISP can be named, `unattributedReason` says why, so the operator can fix the data.
 */
import type { Attribution } from '../core/records.ts';
import { parseAddress } from './address.ts';
import type { IntegratorIndex } from './integrators.ts';
import type { IspRegistry } from './isp-registry.ts';
import type { PrefixTable } from './prefix-table.ts';
import type { RdapClient } from './rdap-client.ts';

export interface AttributorOptions {
  /** Routing data (prefix → AS). Without it, only the registry's extra prefixes can match. */
  table?: PrefixTable;
  registry?: IspRegistry;
  /** System integrators by managed range: a finding in one is marked for its report too. */
  integrators?: IntegratorIndex;
  /** Asked only by `attribute`, and only when the registry names no ISP. */
  rdap?: RdapClient;
}

export interface Attributor {
  /** Table and registry only: no I/O, for bulk use. */
  attributeSync(ip: string): Attribution;
  /** As attributeSync, then RDAP for an abuse contact when no registered ISP matched. */
  attribute(ip: string): Promise<Attribution>;
}

/**
 * @example
 * const attributor = createAttributor({ table, registry: readIspRegistry('isps.yaml'), rdap: createRdapClient({ baseUrl }) });
 * await attributor.attribute('198.51.100.7') // { prefix: '198.51.100.0/24', asn: 64500, ispId: 'kawa-cable', source: 'registry', … }
 */
export function createAttributor(options: AttributorOptions): Attributor {
  const attributeSync = (ip: string): Attribution => {
    if (!parseAddress(ip)) return { source: 'none', unattributedReason: `not an IP address: ${JSON.stringify(ip)}` };
    const attribution = attributeToIsp(ip);
    // Independent of the ISP: an integrator's customer sits in some ISP's space, and both hear of it.
    const integratorMatch = options.integrators?.find(ip);
    if (integratorMatch) {
      attribution.integratorId = integratorMatch.integrator.id;
      attribution.integratorName = integratorMatch.integrator.name;
    }
    return attribution;
  };

  const attributeToIsp = (ip: string): Attribution => {
    const match = options.table?.lookup(ip);
    const ispMatch = options.registry?.find(ip, match?.route);
    const attribution: Attribution = { source: 'none' };
    if (match) {
      attribution.prefix = match.prefix;
      attribution.asn = match.route.asn;
      if (match.route.asName) attribution.asName = match.route.asName;
      if (match.route.country) attribution.country = match.route.country;
    }
    if (ispMatch) {
      // A registry prefix names the network more precisely than routing data can.
      if (ispMatch.prefix && !attribution.prefix) attribution.prefix = ispMatch.prefix;
      if (ispMatch.asn !== undefined) attribution.asn = ispMatch.asn;
      attribution.ispId = ispMatch.isp.id;
      attribution.ispName = ispMatch.isp.name;
      attribution.source = 'registry';
      return attribution;
    }
    if (!match) {
      attribution.unattributedReason = options.table
        ? 'not routed: no prefix in the routing data covers this address'
        : 'no routing data loaded and no registry prefix covers this address';
      return attribution;
    }
    attribution.source = 'prefix-table';
    const origins = match.route.origins ?? [match.route.asn];
    const named = match.route.asName ? ` (${match.route.asName})` : '';
    attribution.unattributedReason =
      origins.length === 1
        ? `AS${match.route.asn}${named} is not in the ISP registry`
        : `none of the origin ASes ${origins.map((asn) => `AS${asn}`).join(', ')} is in the ISP registry`;
    return attribution;
  };

  return {
    attributeSync,
    async attribute(ip) {
      const attribution = attributeSync(ip);
      if (attribution.ispId || !options.rdap || !parseAddress(ip)) return attribution;
      const answer = await options.rdap.lookup(ip);
      if (!answer.ok) return { ...attribution, unattributedReason: `${attribution.unattributedReason}; RDAP failed: ${answer.reason}` };
      if (!answer.network.abuseEmail)
        return { ...attribution, unattributedReason: `${attribution.unattributedReason}; RDAP names no abuse contact for ${answer.network.cidr}` };
      const { unattributedReason: _resolved, ...rest } = attribution;
      const country = rest.country ?? answer.network.country;
      return { ...rest, prefix: rest.prefix ?? answer.network.cidr, ...(country ? { country } : {}), source: 'rdap', abuseEmail: answer.network.abuseEmail };
    },
  };
}
