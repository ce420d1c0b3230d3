// What the credentials benchmark gives both tools: a sample of the lab's login services
// (telnet, SSH, FTP, HTTP Basic over plain TCP and TLS), the same short list of pairs, and
// the score of what each tool reported against the lab's truth.
import type { DictionaryEntry } from '../src/assess/credentials/dictionary.ts';
import { orderEntries } from '../src/assess/credentials/order.ts';
import type { LabTruth } from '../src/lab/truth.ts';

/** The login kinds the benchmark checks, named as the survey names their protocols. */
export const loginKinds = ['telnet', 'ssh', 'ftp', 'http', 'https'] as const;
export type LoginKind = (typeof loginKinds)[number];

/** A user name and password, as a tool reports the pair that worked. */
export interface LoginPair {
  username: string;
  password: string;
}

/** One login service of the lab, with the weak pair it accepts when the truth says it is weak. */
export interface LabLogin {
  ip: string;
  port: number;
  protocol: LoginKind;
  /** Absent on a strong service: it accepts no dictionary pair. */
  weak?: LoginPair & { entryId: string };
}

/** A pair a tool says worked on a service. */
export interface ReportedLogin extends LoginPair {
  ip: string;
  port: number;
}

/** `ip:port`, the key every per-service set of the benchmark uses. */
export function serviceKey(service: { ip: string; port: number }): string {
  return `${service.ip}:${service.port}`;
}

/**
 * The services of ordinary lab devices that have a password login of the benchmark's kinds:
 * telnet with a login prompt (not the open shells, which need no pair), SSH, FTP, and web
 * interfaces with HTTP Basic (not the form logins, which no pair list of a few dozen covers
 * the same way in both tools), in address order.
 * @example labLogins(lab.truth).filter((login) => login.weak).length // the weak ones
 */
export function labLogins(truth: LabTruth): LabLogin[] {
  const logins: LabLogin[] = [];
  for (const device of truth.devices) {
    if (device.role !== 'device') continue;
    for (const service of device.services) {
      const passwordLogin =
        ((service.protocol === 'telnet' || service.protocol === 'ssh' || service.protocol === 'ftp') && service.auth === 'login') ||
        ((service.protocol === 'http' || service.protocol === 'https') && service.auth === 'basic');
      if (!passwordLogin) continue;
      const weakness = device.weaknesses.find((candidate) => candidate.port === service.port && candidate.kind === 'weak-credential');
      const login: LabLogin = { ip: device.ip, port: service.port, protocol: service.protocol as LoginKind };
      if (weakness?.dictionaryEntryId !== undefined && weakness.username !== undefined && weakness.password !== undefined) {
        login.weak = { entryId: weakness.dictionaryEntryId, username: weakness.username, password: weakness.password };
      }
      logins.push(login);
    }
  }
  return logins.sort((a, b) => compareAddresses(a.ip, b.ip) || a.port - b.port);
}

/**
 * Hosts spread evenly over the lab, `perKind` of them for each login kind (fewer when the lab
 * has fewer), with every login service of the benchmark's kinds each picked host has: a weak
 * host is as likely to be picked as it is common in the lab.
 * @example sampleLogins(labLogins(truth), 2) // the login services of about ten hosts
 */
export function sampleLogins(logins: readonly LabLogin[], perKind: number): LabLogin[] {
  const picked = new Set<string>();
  for (const kind of loginKinds) {
    const hosts = [...new Set(logins.filter((login) => login.protocol === kind).map((login) => login.ip))];
    const step = Math.max(1, Math.floor(hosts.length / Math.max(1, perKind)));
    for (let index = 0, taken = 0; index < hosts.length && taken < perKind; index += step, taken++) picked.add(hosts[index]!);
  }
  return logins.filter((login) => picked.has(login.ip));
}

/**
 * The pair list both tools get: the first `n` entries of the survey's order (rank, then the
 * file) for an unidentified device, with `n` the smallest that covers every pair the lab's
 * weak devices use, on every kind. Fails when the kinds would need different lists, since
 * both tools must try the same pairs everywhere.
 * @example benchmarkPairs(loadDictionary(), labDictionaryIds()).length // 32 with the shipped dictionary
 */
export function benchmarkPairs(dictionary: readonly DictionaryEntry[], weakIds: readonly string[]): DictionaryEntry[] {
  let longest: DictionaryEntry[] = [];
  for (const kind of loginKinds) {
    const ordered = orderEntries(dictionary, { protocol: kind });
    const positions = weakIds.map((id) => ordered.findIndex((entry) => entry.id === id));
    if (positions.some((position) => position < 0)) throw new Error(`the dictionary lacks a weak lab pair for ${kind}`);
    const prefix = ordered.slice(0, Math.max(...positions) + 1);
    if (prefix.length > longest.length) longest = prefix;
  }
  for (const kind of loginKinds) {
    const ordered = orderEntries(dictionary, { protocol: kind }).slice(0, longest.length);
    if (ordered.some((entry, index) => entry.id !== longest[index]!.id)) {
      throw new Error(`the first ${longest.length} pairs of the survey's order differ for ${kind}: the benchmark needs one list for every kind`);
    }
  }
  return longest;
}

/** How a tool's reports compare with the truth, over a set of services. */
export interface FindingScore {
  services: number;
  /** Services the truth says are weak. */
  weak: number;
  /** Weak services reported with the truth's own pair. */
  found: number;
  /** Weak services reported with another pair (a tool naming the pair it held when a login let it in without a password). */
  otherPair: number;
  /** Strong services reported as weak. */
  falseFound: number;
  /** Weak services not reported. */
  missed: number;
}

/**
 * Score what a tool reported on `logins` against the truth.
 * @example scoreFindings(sample, [{ ip: '127.96.0.5', port: 23, username: 'root', password: 'xc3511' }]).found // 1 when that is its weak pair
 */
export function scoreFindings(logins: readonly LabLogin[], reported: readonly ReportedLogin[]): FindingScore {
  const byService = new Map(reported.map((login) => [serviceKey(login), login]));
  const score: FindingScore = { services: logins.length, weak: 0, found: 0, otherPair: 0, falseFound: 0, missed: 0 };
  for (const login of logins) {
    const report = byService.get(serviceKey(login));
    if (login.weak) score.weak++;
    if (login.weak && !report) score.missed++;
    else if (!login.weak && report) score.falseFound++;
    else if (login.weak && report) {
      if (report.username === login.weak.username && report.password === login.weak.password) score.found++;
      else score.otherPair++;
    }
  }
  return score;
}

/** Where two tools' reports differ. */
export interface FindingDifferences {
  /** Services one tool reported weak and the other did not. */
  services: LabLogin[];
  /** Services both reported weak, with different pairs. */
  pairs: LabLogin[];
}

/**
 * Compare two tools' reports on `logins`: "equal findings" means both lists are empty.
 * @example findingDifferences(sample, ours, hydra).services.length === 0 // the same services found weak
 */
export function findingDifferences(logins: readonly LabLogin[], first: readonly ReportedLogin[], second: readonly ReportedLogin[]): FindingDifferences {
  const firstBy = new Map(first.map((login) => [serviceKey(login), login]));
  const secondBy = new Map(second.map((login) => [serviceKey(login), login]));
  const differences: FindingDifferences = { services: [], pairs: [] };
  for (const login of logins) {
    const a = firstBy.get(serviceKey(login));
    const b = secondBy.get(serviceKey(login));
    if (!a !== !b) differences.services.push(login);
    else if (a && b && (a.username !== b.username || a.password !== b.password)) differences.pairs.push(login);
  }
  return differences;
}

/** Numeric order of dotted quads. */
function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let index = 0; index < 4; index++) if (pa[index] !== pb[index]) return pa[index]! - pb[index]!;
  return 0;
}
