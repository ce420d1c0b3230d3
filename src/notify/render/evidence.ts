/**
 * Typed, defensive readers of a finding's evidence. Evidence is a JSON object written by
 * the stage that found the weakness (firmware phase, darknet, honeypot, credential
 * checkers); a report must never fail or leak because one field is missing or odd.
 * Only the fields listed here ever leave the operator's store: no user names, no
 * commands a bot typed, no banners.
 */
import type { NotifiableFinding } from '../../core/records.ts';
import { deviceText } from './text.ts';

const cvePattern = /^CVE-\d{4}-\d{4,}$/;

/** One vulnerability of a vulnerable-firmware finding, as reports show it. */
export interface ReportedCve {
  cveId: string;
  baseScore?: number;
  severity?: string;
  kev: boolean;
  ransomware: boolean;
  /** urgent | high | medium | low (src/assess/firmware/priority.ts). */
  priorityLabel?: string;
}

/** What an infected finding says about the bot. */
export interface InfectionFacts {
  /** darknet or honeypot. */
  source: string;
  /** Botnet family when the traffic showed one (e.g. "mirai"); "other" is not a family. */
  family?: string;
  /** Most probed destination ports (darknet). */
  ports: number[];
  packets?: number;
  daysSeen: string[];
}

const finiteNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const shortWord = (value: unknown): string | undefined => (typeof value === 'string' && /^[A-Za-z0-9._-]{1,32}$/.test(value) ? value : undefined);

/**
 * CVEs of a vulnerable-firmware finding, most urgent first as the firmware phase wrote
 * them; ids that are not well-formed CVE ids are dropped (they would end up in CSV tags).
 * @example reportedCves(finding).map((cve) => cve.cveId) // ['CVE-2019-10999']
 */
export function reportedCves(finding: Pick<NotifiableFinding, 'evidence'>): ReportedCve[] {
  const seen = new Set<string>();
  const result: ReportedCve[] = [];
  const add = (cve: ReportedCve) => {
    if (!cvePattern.test(cve.cveId) || seen.has(cve.cveId)) return;
    seen.add(cve.cveId);
    result.push(cve);
  };
  const detailed = Array.isArray(finding.evidence.cves) ? finding.evidence.cves : [];
  for (const item of detailed) {
    const cve = record(item);
    if (!cve || typeof cve.cveId !== 'string') continue;
    add({
      cveId: cve.cveId.toUpperCase(),
      baseScore: finiteNumber(cve.baseScore),
      severity: shortWord(cve.severity)?.toLowerCase(),
      kev: cve.kev === true,
      ransomware: cve.ransomware === true,
      priorityLabel: shortWord(cve.priorityLabel),
    });
  }
  const ids = Array.isArray(finding.evidence.cveIds) ? finding.evidence.cveIds : [];
  for (const id of ids) if (typeof id === 'string') add({ cveId: id.toUpperCase(), kev: false, ransomware: false });
  return result;
}

/** Highest CVSS base score among the finding's CVEs (or the evidence's maxBaseScore). */
export function maxCvss(finding: Pick<NotifiableFinding, 'evidence'>): number | undefined {
  const scores = reportedCves(finding).flatMap((cve) => (cve.baseScore === undefined ? [] : [cve.baseScore]));
  const stated = finiteNumber(finding.evidence.maxBaseScore);
  const all = stated !== undefined && stated > 0 ? [...scores, stated] : scores;
  return all.length > 0 ? Math.max(...all) : undefined;
}

/** In CISA's Known Exploited Vulnerabilities catalogue (any of its CVEs). */
export function isKev(finding: Pick<NotifiableFinding, 'evidence'>): boolean {
  return finding.evidence.kev === true || reportedCves(finding).some((cve) => cve.kev);
}

/** The firmware phase's priority label of the finding's most urgent CVE. */
export function priorityLabel(finding: Pick<NotifiableFinding, 'evidence'>): string | undefined {
  return shortWord(finding.evidence.priorityLabel) ?? reportedCves(finding)[0]?.priorityLabel;
}

/**
 * Facts about an infected finding (darknet or honeypot evidence).
 * @example infectionFacts(finding).family // 'mirai'
 */
export function infectionFacts(finding: Pick<NotifiableFinding, 'evidence' | 'protocol'>): InfectionFacts {
  const { evidence } = finding;
  const family = shortWord(evidence.family)?.toLowerCase();
  return {
    source: shortWord(evidence.source) ?? finding.protocol,
    family: family && family !== 'other' ? family : undefined,
    ports: (Array.isArray(evidence.ports) ? evidence.ports : [])
      .filter((port): port is number => Number.isInteger(port) && port >= 0 && port <= 65535)
      .slice(0, 8),
    packets: finiteNumber(evidence.packets),
    daysSeen: (Array.isArray(evidence.daysSeen) ? evidence.daysSeen : []).filter(
      (day): day is string => typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day),
    ),
  };
}

/**
 * How sure the finding is, 0..1. A login that worked (or a shell without one) and a
 * reflector's measured reply were observed directly: 1. Firmware: the best match confidence of its CVEs. Infected: the
 * darknet/honeypot verdict's own confidence.
 */
export function findingConfidence(finding: Pick<NotifiableFinding, 'kind' | 'evidence'>): number | undefined {
  if (finding.kind === 'weak-credential' || finding.kind === 'no-authentication' || finding.kind === 'reflector') return 1;
  if (finding.kind === 'vulnerable-firmware') {
    const detailed = Array.isArray(finding.evidence.cves) ? finding.evidence.cves : [];
    const values = detailed.flatMap((item) => {
      const value = finiteNumber(record(item)?.confidence);
      return value === undefined ? [] : [value];
    });
    return values.length > 0 ? Math.min(1, Math.max(0, ...values)) : undefined;
  }
  const value = finiteNumber(finding.evidence.confidence);
  return value === undefined ? undefined : Math.min(1, Math.max(0, value));
}

/** What a reflector finding measured, as reports show it. */
export interface ReflectionFacts {
  /** The request measured: "M-SEARCH ssdp:all", "monlist" … (one line, capped). */
  request?: string;
  requestBytes?: number;
  replyBytes?: number;
  replyPackets?: number;
  /** replyBytes ÷ requestBytes. */
  amplification?: number;
  /** The protocol's own fields (SSDP `server`, SNMP `sysDescr` …), cleaned like every device string. */
  facts: ReadonlyMap<string, string | number>;
}

/** The survey bounds facts already; a report bounds them again, whatever a store holds. */
const maxFacts = 16;
const factName = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/**
 * Facts about a reflector finding (ReflectorEvidence in core/records.ts). Fact values come
 * from the device, so strings go through `deviceText`: one line, capped, no links, no markup.
 * @example reflectionFacts(finding).amplification // 30.43
 */
export function reflectionFacts(finding: Pick<NotifiableFinding, 'evidence'>): ReflectionFacts {
  const { evidence } = finding;
  const count = (value: unknown) => {
    const number = finiteNumber(value);
    return number !== undefined && number >= 0 ? number : undefined;
  };
  const facts = new Map<string, string | number>();
  for (const [name, value] of Object.entries(record(evidence.facts) ?? {})) {
    if (facts.size >= maxFacts || !factName.test(name)) continue;
    const clean = typeof value === 'number' ? finiteNumber(value) : typeof value === 'string' ? deviceText(value, 200) : undefined;
    if (clean !== undefined) facts.set(name, clean);
  }
  return {
    request: typeof evidence.request === 'string' ? deviceText(evidence.request, 64) : undefined,
    requestBytes: count(evidence.requestBytes),
    replyBytes: count(evidence.replyBytes),
    replyPackets: count(evidence.replyPackets),
    amplification: count(evidence.amplification),
    facts,
  };
}
