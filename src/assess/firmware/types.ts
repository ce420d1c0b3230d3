/**
 * The vulnerability record every feed importer produces and the matching engine
 * consumes. Applicability is kept in NVD's configuration shape whatever the source:
 * CVE JSON 5 `affected[]` and JVN product lists are converted into it, so one
 * evaluator serves all sources.
 */

/** One NVD `cpeMatch` entry: a CPE 2.3 pattern plus an optional version range. */
export interface CpeMatch {
  vulnerable: boolean;
  /** CPE 2.3 formatted string, possibly with wildcards (`*`, `-`). */
  criteria: string;
  versionStartIncluding?: string;
  versionStartExcluding?: string;
  versionEndIncluding?: string;
  versionEndExcluding?: string;
  matchCriteriaId?: string;
}

export interface ConfigurationNode {
  operator: 'AND' | 'OR';
  negate?: boolean;
  cpeMatch: CpeMatch[];
}

/** One NVD configuration: its nodes combined by `operator` (absent = OR of one node). */
export interface Configuration {
  operator?: 'AND' | 'OR';
  negate?: boolean;
  nodes: ConfigurationNode[];
}

export type Severity = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface CvssScore {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  baseScore: number;
  severity: Severity;
  vector: string;
  /** Who scored it (nvd@nist.gov, a CNA, CISA-ADP …). */
  source: string;
  type?: 'Primary' | 'Secondary';
}

export interface KevEntry {
  cveId: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  dueDate?: string;
  requiredAction?: string;
  knownRansomwareCampaignUse: 'Known' | 'Unknown';
}

export type FeedSource = 'nvd' | 'cve5' | 'jvn' | 'synthetic';

export interface VulnerabilityRecord {
  cveId: string;
  /** Where the applicability data came from (the best source wins; see docs/vulnerabilities.md). */
  source: FeedSource;
  published?: string;
  lastModified?: string;
  /** English description, first 1,000 characters. */
  description: string;
  /** Every score found; `primaryScore` picks the one to show. */
  scores: CvssScore[];
  configurations: Configuration[];
  references: string[];
  /** JVN ids (JVNDB-…) or other aliases. */
  aliases: string[];
}

/**
 * What decided a match: the device's own names (firmware `o:`, hardware `h:`), or one of the
 * software components it runs (e.g. dropbear 2014.63 shown by its SSH server).
 */
export type MatchedOn = { kind: 'device-firmware' } | { kind: 'component'; product: string; version?: string; cpe: string };

/** Result of matching one device against one vulnerability (three-state). */
export interface VulnerabilityMatch {
  cveId: string;
  state: 'affected' | 'not-affected' | 'unknown';
  /** 0..1: how sure the state is (exact version in range > version read loosely > version missing). */
  confidence: number;
  /** Human-readable reason, e.g. "firmware 1.05 ≤ 1.05 (versionEndIncluding) on dir-600 hardware". */
  evidence: string;
  /** The names behind the state: the vulnerable entries that held (affected), were undecided (unknown) or named the device (not affected). */
  matchedOn: MatchedOn[];
}

/** A software component as the matcher sees it: its CPE name, and what evidence calls it. */
export interface PlatformComponent {
  product: string;
  version?: string;
  /** CPE 2.3 formatted string; its version is the component's own (ANY when not shown), never the firmware's. */
  cpe: string;
}

/** What the matcher knows about a device: its identity as candidate CPE names, and its software components. */
export interface DevicePlatform {
  /** Absent for a device known only by its software components. */
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
  /** Hardware revision ("B1") when the device shows it: the version field of its h: CPE. */
  hardwareVersion?: string;
  /** Candidate CPE 2.3 names (firmware `o:` and hardware `h:`), from the product catalogue and alias tables. */
  cpes: string[];
  /** Software the device runs; each is matched under its own CPE name and version. */
  components?: PlatformComponent[];
}

/** One CVE in a vulnerable-firmware finding's evidence (what reports read back). */
export interface AffectedCve {
  cveId: string;
  baseScore?: number;
  severity?: Severity;
  cvssVersion?: CvssScore['version'];
  kev: boolean;
  ransomware: boolean;
  /** The match's confidence and the engine's reason. */
  confidence: number;
  matchEvidence: string;
  /** Which names matched: the device firmware, a component, or both (absent in findings stored before components were matched). */
  matchedOn?: MatchedOn[];
  /** Notification priority (0..1) and its label. */
  priority: number;
  priorityLabel: string;
}
