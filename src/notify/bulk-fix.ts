/**
 * The bulk-fix list for an ISP that manages its customers' devices (rented home routers and
 * the like, `managesCustomerDevices` in the registry): its open findings grouped by vendor,
 * model and firmware, each group with its device count, addresses, finding kinds, CVEs and the
 * fix. Such an ISP fixes a model at once (a firmware push, a configuration change from its
 * management system) rather than subscriber by subscriber, so it needs the list by model.
 * Devices the survey could not identify cannot be grouped and are only counted.
 */
import { findingKind, findingKindsByUrgency, type FindingKind } from '../core/finding-kinds.ts';
import type { NotifiableFinding } from '../core/records.ts';
import { reportedCves } from './render/evidence.ts';
import { deviceText } from './render/text.ts';

export interface BulkFixGroup {
  vendor: string;
  model?: string;
  firmwareVersion?: string;
  /** Distinct devices (addresses) of this group with an open finding. */
  devices: number;
  /** The addresses, in the order of the findings given (the store lists findings in address order). */
  addresses: string[];
  /** The finding kinds seen on the group, most urgent first, with the devices each. */
  kinds: Array<{ kind: FindingKind; devices: number }>;
  /** CVEs of the firmware found (vulnerable-firmware findings). */
  cves: string[];
  /** What to do, one step per finding kind (the advice texts), in the list's language. */
  fix: string[];
}

export interface BulkFixList {
  ispId: string;
  language: 'ja' | 'en';
  generatedAt: string;
  /** Largest group first, then by vendor, model and firmware. */
  groups: BulkFixGroup[];
  /** Devices with open findings the survey could not identify (not in any group). */
  unidentifiedDevices: number;
}

export interface BulkFixInput {
  ispId: string;
  language: 'ja' | 'en';
  generatedAt: string;
  /** The ISP's findings; only open ones count. */
  findings: readonly NotifiableFinding[];
}

const firmwareStep: Record<'ja' | 'en', (cves: readonly string[]) => string> = {
  en: (cves) => `Update the firmware to the vendor's fixed release${cves.length ? ` (fixes ${cves.join(', ')})` : ''}.`,
  ja: (cves) => `ファームウェアをメーカーの修正版に更新してください${cves.length ? `（${cves.join('、')} の修正）` : ''}。`,
};

/**
 * @example buildBulkFixList({ ispId: 'sakura-net', language: 'ja', generatedAt, findings: await store.listNotifiableFindings({ ispId: 'sakura-net', status: 'open' }) }).groups[0]
 */
export function buildBulkFixList(input: BulkFixInput): BulkFixList {
  const groups = new Map<string, { group: BulkFixGroup; addresses: Set<string>; kinds: Map<FindingKind, Set<string>>; cves: Set<string> }>();
  const unidentified = new Set<string>();
  for (const finding of input.findings) {
    if (finding.status !== 'open') continue;
    const vendor = deviceText(finding.vendor);
    if (vendor === undefined) {
      unidentified.add(finding.ip);
      continue;
    }
    const model = deviceText(finding.model);
    const firmwareVersion = deviceText(finding.firmwareVersion);
    // Case-insensitive: one model reported as "AX-10" and "ax-10" by two banners is one fix.
    const key = [vendor, model ?? '', firmwareVersion ?? ''].map((part) => part.toLowerCase()).join('\u0000');
    let entry = groups.get(key);
    if (!entry) {
      const group: BulkFixGroup = { vendor, devices: 0, addresses: [], kinds: [], cves: [], fix: [] };
      if (model !== undefined) group.model = model;
      if (firmwareVersion !== undefined) group.firmwareVersion = firmwareVersion;
      entry = { group, addresses: new Set(), kinds: new Map(), cves: new Set() };
      groups.set(key, entry);
    }
    entry.addresses.add(finding.ip);
    const devices = entry.kinds.get(finding.kind) ?? new Set<string>();
    devices.add(finding.ip);
    entry.kinds.set(finding.kind, devices);
    if (finding.kind === 'vulnerable-firmware') for (const cve of reportedCves(finding)) entry.cves.add(cve.cveId);
  }
  const result = [...groups.values()].map(({ group, addresses, kinds, cves }) => {
    const cveList = [...cves].sort();
    const kindList = findingKindsByUrgency.filter((kind) => kinds.has(kind));
    return {
      ...group,
      devices: addresses.size,
      addresses: [...addresses],
      kinds: kindList.map((kind) => ({ kind, devices: kinds.get(kind)!.size })),
      cves: cveList,
      fix: kindList.map((kind) =>
        kind === 'vulnerable-firmware' ? firmwareStep[input.language](cveList) : (findingKind(kind)?.advice[input.language] ?? kind),
      ),
    };
  });
  result.sort(
    (a, b) =>
      b.devices - a.devices ||
      a.vendor.localeCompare(b.vendor) ||
      (a.model ?? '').localeCompare(b.model ?? '') ||
      (a.firmwareVersion ?? '').localeCompare(b.firmwareVersion ?? ''),
  );
  return { ispId: input.ispId, language: input.language, generatedAt: input.generatedAt, groups: result, unidentifiedDevices: unidentified.size };
}
