/**
 * The attribution step of the loop: every finding not attributed yet (or all, to refresh after
 * the registry or the routing data changed) gets prefix, ASN and ISP — or "unattributed" with
 * the reason — stored beside it. Addresses are looked up once however many findings they have.
 */
import type { Attribution } from '../core/records.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';

export interface AttributionSummary {
  findings: number;
  addresses: number;
  byIsp: Record<string, number>;
  /** Findings without an ISP, by reason. */
  unattributed: Record<string, number>;
}

/**
 * @example await attributeFindings(store, (ip) => attributor.attribute(ip))
 */
export async function attributeFindings(
  store: IspAttributionStore,
  attribute: (ip: string) => Attribution | Promise<Attribution>,
  options: { refresh?: boolean; at?: string } = {},
): Promise<AttributionSummary> {
  const findings = await store.listNotifiableFindings(options.refresh ? {} : { unattributed: true });
  const byAddress = new Map<string, Attribution>();
  const summary: AttributionSummary = { findings: findings.length, addresses: 0, byIsp: {}, unattributed: {} };
  const items: Array<{ findingId: number; attribution: Attribution }> = [];
  for (const finding of findings) {
    let attribution = byAddress.get(finding.ip);
    if (attribution === undefined) {
      attribution = await attribute(finding.ip);
      byAddress.set(finding.ip, attribution);
    }
    items.push({ findingId: finding.id, attribution });
    if (attribution.ispId) summary.byIsp[attribution.ispId] = (summary.byIsp[attribution.ispId] ?? 0) + 1;
    else {
      const reason = attribution.unattributedReason ?? 'unknown';
      summary.unattributed[reason] = (summary.unattributed[reason] ?? 0) + 1;
    }
  }
  summary.addresses = byAddress.size;
  if (items.length > 0) await store.recordAttributions(items, { at: options.at });
  return summary;
}
