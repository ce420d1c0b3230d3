/**
 * The policy engine: which findings a recipient may get, and in what shape. Full shares give
 * findings as they are; masked shares give each finding with its address replaced by its
 * network and its free text scrubbed; aggregated shares give counts per kind × network × ASN,
 * withholding cells under k. Every item carries a TLP 2.0 label; RED items are left out here
 * (and the writers refuse them again: share-export.ts).
 */
import type { FindingKind } from '../core/finding-kinds.ts';
import type { NotifiableFinding } from '../core/records.ts';
import { maskAddress, scrubAddresses, scrubValue } from './address-mask.ts';
import type { SharingRecipient } from './recipient.ts';
import { parseTlp, strictestTlp, type TlpLabel } from '../core/tlp.ts';

export interface SharedFinding {
  tlp: TlpLabel;
  /** For masked shares, `ip` holds the network in CIDR text ("192.0.2.0/24"). */
  finding: NotifiableFinding;
}

export interface AggregatedCell {
  kind: FindingKind;
  /** The network at the recipient's mask. */
  network: string;
  asn?: number;
  count: number;
  tlp: TlpLabel;
}

export interface SharePlan {
  recipient: SharingRecipient;
  findings: SharedFinding[];
  cells: AggregatedCell[];
  /** What was held back and why, for the dry-run listing. */
  withheld: { tlpRed: number; belowK: number; cellsBelowK: number };
  /** Every surveyed address behind the plan: the leak guard scans outputs for them. */
  subscriberAddresses: string[];
}

/** Evidence fields a masked share keeps (numbers, CVE ids, family): the rest may hold banners. */
const maskedEvidenceKeys = [
  'cves',
  'cveIds',
  'maxBaseScore',
  'kev',
  'priorityLabel',
  'family',
  'source',
  'ports',
  'packets',
  'daysSeen',
  'confidence',
  'request',
  'requestBytes',
  'replyBytes',
  'replyPackets',
  'amplification',
] as const;

/** The label of one finding: the recipient's, a stricter one for its kind, or the one its source gave it. */
export function findingTlp(finding: NotifiableFinding, recipient: SharingRecipient): TlpLabel {
  const fromSource = typeof finding.evidence.tlp === 'string' ? parseTlp(finding.evidence.tlp) : undefined;
  const labels: TlpLabel[] = [recipient.tlp];
  const byKind = recipient.tlpByKind[finding.kind];
  if (byKind) labels.push(byKind);
  if (fromSource) labels.push(fromSource);
  // Unreadable labels from a source count as RED: when unsure, it stays.
  else if (finding.evidence.tlp !== undefined) labels.push('RED');
  return strictestTlp(labels);
}

function maskFinding(finding: NotifiableFinding, recipient: SharingRecipient): NotifiableFinding {
  const network = maskAddress(finding.ip, recipient) ?? '[address]';
  const evidence: Record<string, unknown> = {};
  for (const key of maskedEvidenceKeys) if (finding.evidence[key] !== undefined) evidence[key] = scrubValue(finding.evidence[key]);
  const text = (value: string | undefined) => (value === undefined ? undefined : scrubAddresses(value));
  const { attribution } = finding;
  return {
    id: finding.id,
    kind: finding.kind,
    ip: network,
    port: finding.port,
    protocol: finding.protocol,
    evidence,
    status: finding.status,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    ...(finding.closedAt !== undefined ? { closedAt: finding.closedAt } : {}),
    ...(finding.vendor !== undefined ? { vendor: text(finding.vendor) } : {}),
    ...(finding.model !== undefined ? { model: text(finding.model) } : {}),
    ...(finding.deviceType !== undefined ? { deviceType: finding.deviceType } : {}),
    ...(finding.sector !== undefined ? { sector: finding.sector } : {}),
    ...(finding.firmwareVersion !== undefined ? { firmwareVersion: text(finding.firmwareVersion) } : {}),
    ...(finding.releaseYear !== undefined ? { releaseYear: finding.releaseYear } : {}),
    attribution: {
      // The routed prefix is shown only when it is no narrower than the mask.
      prefix: coarsePrefix(attribution.prefix, recipient) ?? network,
      ...(attribution.asn !== undefined ? { asn: attribution.asn } : {}),
      ...(attribution.asName !== undefined ? { asName: scrubAddresses(attribution.asName) } : {}),
      ...(attribution.country !== undefined ? { country: scrubAddresses(attribution.country) } : {}),
      ...(attribution.ispId !== undefined ? { ispId: attribution.ispId } : {}),
      ...(attribution.ispName !== undefined ? { ispName: scrubAddresses(attribution.ispName) } : {}),
      ...(attribution.abuseEmail !== undefined ? { abuseEmail: scrubAddresses(attribution.abuseEmail) } : {}),
      source: attribution.source,
    },
  };
}

function coarsePrefix(prefix: string | undefined, recipient: SharingRecipient): string | undefined {
  const match = prefix ? /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(prefix.trim()) : null;
  if (!match) return undefined;
  const length = Number(match[2]);
  const limit = match[1]!.includes(':') ? recipient.maskIPv6 : recipient.maskIPv4;
  return length <= limit ? maskAddress(match[1]!, { maskIPv4: length, maskIPv6: length }) : undefined;
}

/**
 * What `recipient` may get of `findings`.
 * @example planShare(findings, recipient).cells.every((cell) => cell.count >= recipient.kAnonymity) // true
 */
export function planShare(findings: readonly NotifiableFinding[], recipient: SharingRecipient): SharePlan {
  const withheld = { tlpRed: 0, belowK: 0, cellsBelowK: 0 };
  const labelled: SharedFinding[] = [];
  for (const finding of findings) {
    const tlp = findingTlp(finding, recipient);
    if (tlp === 'RED') withheld.tlpRed++;
    else labelled.push({ tlp, finding });
  }
  const subscriberAddresses = [...new Set(findings.map((finding) => finding.ip))];
  if (recipient.policy === 'full') return { recipient, findings: labelled, cells: [], withheld, subscriberAddresses };
  if (recipient.policy === 'masked')
    return {
      recipient,
      findings: labelled.map(({ tlp, finding }) => ({ tlp, finding: maskFinding(finding, recipient) })),
      cells: [],
      withheld,
      subscriberAddresses,
    };

  const cells = new Map<string, AggregatedCell>();
  for (const { tlp, finding } of labelled) {
    const network = maskAddress(finding.ip, recipient);
    if (network === undefined) continue;
    const asn = finding.attribution.asn;
    const key = `${finding.kind}|${network}|${asn ?? ''}`;
    const cell = cells.get(key);
    if (cell) {
      cell.count++;
      cell.tlp = strictestTlp([cell.tlp, tlp]);
    } else cells.set(key, { kind: finding.kind, network, ...(asn !== undefined ? { asn } : {}), count: 1, tlp });
  }
  const kept: AggregatedCell[] = [];
  for (const cell of cells.values()) {
    if (cell.count >= recipient.kAnonymity) kept.push(cell);
    else {
      withheld.cellsBelowK++;
      withheld.belowK += cell.count;
    }
  }
  kept.sort((a, b) => a.kind.localeCompare(b.kind) || a.network.localeCompare(b.network) || (a.asn ?? 0) - (b.asn ?? 0));
  return { recipient, findings: [], cells: kept, withheld, subscriberAddresses };
}
