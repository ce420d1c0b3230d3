/**
 * The update path by address: endpoints named by host are resolved through the system's
 * resolver, as the quarantined devices would resolve them, every round (vendors' update
 * hosts move between addresses). A name that does not resolve in time is left out and
 * logged: the device then cannot reach that host, which is the safe side of a quarantine.
 */
import { lookup } from 'node:dns/promises';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import type { UpdateAddress, UpdateEndpoint } from './policy.ts';

export const updateHostTimeoutMs = 5000;
/** Addresses kept per name: a CDN name can return many; the rules stay small. */
export const maxAddressesPerHost = 16;

async function addressesOf(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${updateHostTimeoutMs / 1000} s`)), updateHostTimeoutMs);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true }), timeout]);
    const addresses = found.flatMap((entry) => canonicalAddress(entry.address) ?? []);
    return [...new Set(addresses)].slice(0, maxAddressesPerHost);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @example await resolveUpdatePath([{ host: 'update.vendor.example', port: 443, label: 'vendor' }], log) // [{ cidr: '203.0.113.7/32', port: 443, label: 'vendor' }]
 */
export async function resolveUpdatePath(endpoints: readonly UpdateEndpoint[], log: Logger): Promise<UpdateAddress[]> {
  const resolved = await Promise.all(
    endpoints.map(async (endpoint): Promise<UpdateAddress[]> => {
      const port = endpoint.port === undefined ? {} : { port: endpoint.port };
      if (endpoint.host === undefined) return [{ cidr: endpoint.cidr, label: endpoint.label, ...port }];
      try {
        const addresses = await addressesOf(endpoint.host);
        return addresses.map((address) => ({ cidr: `${address}/${address.includes(':') ? 128 : 32}`, label: endpoint.label, ...port }));
      } catch (error) {
        log.warn(`update host ${endpoint.host} (${endpoint.label}) not resolved, left out of the update path: ${describeError(error)}`, {
          event: 'gateway-update-host-unresolved',
        });
        return [];
      }
    }),
  );
  return resolved.flat();
}
