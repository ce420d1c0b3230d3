/**
 * The software components of one address, from the component rules that matched its services:
 * one entry per product and version, in a stable order whatever order the services came in.
 */
import type { SoftwareComponent } from '../core/records.ts';
import { parseCpe } from './cpe.ts';

/**
 * Distinct components. The same product seen twice with the same version (a web server on
 * ports 80 and 8080) is one entry, from the lowest port; a product seen without a version is
 * dropped when another service showed its version (a bare "dropbear" next to "dropbear_2014.63").
 * Two different versions of one product are both kept: two builds really can run side by side.
 * @example collectComponents([{ product: 'lighttpd', version: '1.4.35', cpe: 'cpe:2.3:a:lighttpd:lighttpd:1.4.35:…', ruleId: 'lighttpd-server', protocol: 'http', port: 80 }])
 * // the same single entry
 */
export function collectComponents(seen: readonly SoftwareComponent[]): SoftwareComponent[] {
  const byProduct = new Map<string, SoftwareComponent[]>();
  for (const component of [...seen].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol))) {
    const key = productKey(component);
    const entries = byProduct.get(key) ?? [];
    byProduct.set(key, entries);
    if (!entries.some((entry) => entry.version === component.version)) entries.push(component);
  }
  const kept: SoftwareComponent[] = [];
  for (const entries of byProduct.values()) {
    const versioned = entries.filter((entry) => entry.version !== undefined);
    kept.push(...(versioned.length > 0 ? versioned : entries));
  }
  return kept.sort((a, b) => a.product.localeCompare(b.product) || (a.version ?? '').localeCompare(b.version ?? '') || a.port - b.port);
}

/** A component's product as the CPE names it (part, vendor, product), so two rules for one product agree. */
function productKey(component: SoftwareComponent): string {
  const name = parseCpe(component.cpe);
  return name ? `${name.part}:${name.vendor}:${name.product}` : component.product.toLowerCase();
}
