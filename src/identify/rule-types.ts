/**
 * The in-memory shape of fingerprint rules after loading and validation
 * (docs/fingerprints.md describes the YAML they come from).
 */
import type { CriticalSector, DeviceType } from '../core/records.ts';

/** Every device type a rule or product may name; mirrors `DeviceType` in core/records.ts. */
export const deviceTypes = ['ip-camera', 'router', 'dvr', 'nas', 'printer', 'iot-gateway', 'critical', 'other'] as const satisfies readonly DeviceType[];

/** Facts a rule may assert with constants (`sets`); vendor/model/version may also be captured. */
export const ruleFactKeys = ['vendor', 'model', 'version', 'hardware', 'deviceType', 'sector', 'os'] as const;

/** Named capture groups a pattern may use; any other name is a typo in the rule. */
export const captureGroupNames = ['vendor', 'model', 'version', 'hardware'] as const;

/** Constant facts a rule asserts when it matches. `os` is informational only (no identity field). */
export interface RuleFacts {
  vendor?: string;
  model?: string;
  version?: string;
  /** Hardware revision (e.g. "B1"): NVD keys some vulnerabilities on it (h: CPE version). */
  hardware?: string;
  deviceType?: DeviceType;
  /** Only beside `deviceType: critical`: the infrastructure the device monitors or controls. */
  sector?: CriticalSector;
  os?: string;
}

/** CPE 2.3 parts a component may be filed under: a (application, the default), o (operating system), h (hardware). */
export const componentCpeParts = ['a', 'o', 'h'] as const;

/**
 * A software component a rule asserts (`component:` in YAML). In a rule with a component,
 * the `version` capture is the component's version, not the device firmware's.
 */
export interface RuleComponent {
  /** Its usual name, e.g. "dropbear". */
  product: string;
  /** NVD's CPE vendor and product names, e.g. dropbear_ssh_project / dropbear_ssh. */
  cpeVendor: string;
  cpeProduct: string;
  part: (typeof componentCpeParts)[number];
  /** A constant version, for texts that imply one; a non-empty `version` capture wins. */
  version?: string;
}

/** One validated, compiled rule. */
export interface FingerprintRule {
  id: string;
  /** Grabber name whose result this rule reads (observation.protocol). */
  protocol: string;
  /** Dotted field path as written, e.g. "headers.server". */
  field: string;
  /** `field` split once at load time, so matching does no string work. */
  fieldPath: readonly string[];
  /**
   * Compiled once at load; never has the g or y flag, so it keeps no state between calls. It
   * matches what the rule wrote, maybe with case written out (see linear-pattern.ts).
   */
  pattern: RegExp;
  /** The most characters of its field the pattern reads (linear-pattern.ts, patternTextLimit). */
  readsAtMost: number;
  /** Named groups the pattern captures (subset of captureGroupNames). */
  captures: ReadonlyArray<(typeof captureGroupNames)[number]>;
  sets: RuleFacts;
  /** The software component the rule shows, if it shows one. */
  component?: RuleComponent;
  confidence: number;
  description?: string;
  /** Where the rule was written, for messages and `explain` output. */
  source: { file: string; line: number };
}

/** What the project knows about one product, joined to identities on vendor+model. */
export interface ProductEntry {
  vendor: string;
  model: string;
  deviceType?: DeviceType;
  /** Only beside `deviceType: critical`. */
  sector?: CriticalSector;
  releaseYear?: number;
  /** CPE 2.3 part: o (operating system / firmware, the default), h (hardware) or a (application). */
  cpePart: 'a' | 'o' | 'h';
  cpeVendor?: string;
  cpeProduct?: string;
  source: { file: string; line: number };
}

/** Everything the loader produced from a set of rule files. */
export interface RuleSet {
  rules: FingerprintRule[];
  products: ProductEntry[];
  /** The files read, in load order. */
  files: string[];
}

/**
 * Lower-case, trimmed, inner whitespace collapsed: the form used for joins and comparisons.
 * @example normaliseKey('  TP-Link  WR841N ') // 'tp-link wr841n'
 */
export function normaliseKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}
