/**
 * Who receives anonymized shares and under which policy: the `sharing` section of the ISP
 * registry file (sharing-registry-file.ts reads it). One role: the record and its choices.
 */
import type { FindingKind } from '../core/finding-kinds.ts';
import type { TlpLabel } from '../core/tlp.ts';

/**
 * full: every finding as it is; masked: addresses replaced by their network at the mask and
 * free text that could carry an address dropped; aggregated: only counts per cell, cells
 * under k withheld.
 */
export type SharingPolicy = 'full' | 'masked' | 'aggregated';
export const sharingPolicies: readonly SharingPolicy[] = ['full', 'masked', 'aggregated'];

export type SharingFormat = 'misp' | 'stix' | 'intelmq' | 'shadowserver-csv' | 'counts-json';
export const sharingFormats: readonly SharingFormat[] = ['misp', 'stix', 'intelmq', 'shadowserver-csv', 'counts-json'];
/** Per-event formats carry one record per finding: an aggregated share has no such records. */
export const aggregatedFormats: readonly SharingFormat[] = ['misp', 'counts-json'];

export interface SharingRecipient {
  /** Stable id, as `share export --recipient ID` names it. */
  id: string;
  name: string;
  policy: SharingPolicy;
  /** Prefix length IPv4 addresses are masked to (masked and aggregated). Default 24. */
  maskIPv4: number;
  /** Prefix length IPv6 addresses are masked to. Default 48. */
  maskIPv6: number;
  /** Aggregated cells counting fewer findings than this are withheld. Default 5. */
  kAnonymity: number;
  /** The label of what this recipient gets; never RED (RED does not leave). Default AMBER. */
  tlp: TlpLabel;
  /** Stricter labels for some kinds (e.g. weak-credential: RED keeps them in-house). */
  tlpByKind: Partial<Record<FindingKind, TlpLabel>>;
  formats: SharingFormat[];
  /** Where the export goes (e-mail address), for the operator; the export command writes files only. */
  contact: string;
}

export const sharingDefaults = Object.freeze({ maskIPv4: 24, maskIPv6: 48, kAnonymity: 5, tlp: 'AMBER' as TlpLabel });
