/**
 * What a honeypot log says about each attacking address: the evidence of infection that
 * joins darknet and survey findings (see docs/honeypot.md for the verdict rules).
 */

/** ISO-8601 UTC time, e.g. "2018-05-24T09:12:36.408Z". */
export type IsoTime = string;

/** A file the attacker fetched into the honeypot (download) or pushed to it (upload). */
export interface HoneypotFile {
  /** Where Cowrie fetched it from; absent for uploads (SFTP/SCP) and some old logs. */
  url?: string;
  /** SHA-256 of the content, lower-case hex; absent when the fetch failed. */
  sha256?: string;
}

/** One attacking address, aggregated over the whole log. Every list is capped. */
export interface HoneypotSource {
  ip: string;
  firstSeen: IsoTime;
  lastSeen: IsoTime;
  /** Distinct sessions (connections) seen from this address. */
  sessions: number;
  /** Lower-case protocol names, e.g. ["ssh", "telnet"]. */
  protocols: string[];
  /** Failed plus successful logins. */
  loginAttempts: number;
  loginSuccesses: number;
  /** Top usernames tried with counts (passwords are never kept). */
  usernames: Array<{ username: string; count: number }>;
  /** Command lines entered after login. */
  commands: number;
  /** First distinct command lines, each at most 200 characters. */
  commandSamples: string[];
  /** First distinct files transferred (downloads, failed downloads, uploads). */
  downloads: HoneypotFile[];
  /** First distinct SSH client identification strings. */
  clientVersions: string[];
  /** Honeypot sensors that saw this address. */
  sensors: string[];
  /** 'bot': the log shows infection-like automation; 'probe': weak evidence only. */
  verdict: 'bot' | 'probe';
  /** How strongly the log shows infection, 0..1 (also given for probes, where it is low). */
  confidence: number;
  /** One sentence a person can read: why this verdict. */
  reason: string;
}

export interface HoneypotStats {
  /** Lines read, blank and corrupt ones included. */
  lines: number;
  /** JSON objects read (known and unknown event ids). */
  events: number;
  /** Corrupt lines (and a broken compressed stream) skipped in 'skip' mode. */
  skipped: number;
  /**
   * Last lines that ended with the file, without a line end, and did not parse: the half
   * of an event the honeypot had not finished writing when the log was read or copied.
   * Skipped in either mode (the event is whole in the next read of the log), and counted.
   */
  unfinishedLines: number;
  /** Line numbers of the first 100 corrupt lines. */
  corruptLines: number[];
  /** Events whose id this importer does not know (ignored). */
  unknownEvents: number;
  /** Known events that carried no usable src_ip and belonged to no known session (ignored). */
  unattributed: number;
  firstSeen?: IsoTime;
  lastSeen?: IsoTime;
}

export interface HoneypotReport {
  /** Sorted by address (IPv4 numerically, then IPv6 numerically). */
  sources: HoneypotSource[];
  stats: HoneypotStats;
}
