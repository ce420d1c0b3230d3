/**
 * The record schema shared by every stage. Each arrow in the data flow
 * (docs/architecture.md) carries one of these types; stages never invent their own.
 */

/** An address and port to contact. IPv4 dotted quad or IPv6 text form. */
export interface Target {
  ip: string;
  port: number;
}

/** Closed set of outcomes for any network operation on a target (ZGrab2-style). */
export type GrabStatus =
  | 'success'
  | 'connection-refused'
  | 'connection-timeout'
  | 'io-timeout'
  | 'protocol-error'
  | 'byte-cap-exceeded'
  | 'deadline-exceeded'
  | 'blocked-target'
  | 'unknown-error';

/** An open port found by discovery (built-in connect scan or an imported zmap/masscan file). */
export interface OpenPort extends Target {
  /** Which engine or file reported it, e.g. "connect", "zmap:file.csv". */
  source: string;
  seenAt: string;
  /** 'udp' for a UDP port (a `zmap -M udp` reply, a re-survey of a UDP service); absent: TCP. */
  transport?: 'udp';
}

/** Protocol-specific fields a grabber extracted. Kept as a plain JSON object. */
export type GrabResult = Record<string, unknown>;

/**
 * How a service's protocol was found: 'banner', what it volunteered; 'probe', a request's reply;
 * 'tls-…', the same inside TLS; 'port', the port's usual protocol, which declares no detection;
 * 'none', not found.
 */
export type DetectionMethod = 'banner' | 'probe' | 'tls-banner' | 'tls-probe' | 'port' | 'none';

/** How a service's protocol was found, and what finding it cost (protocols/detect.ts). */
export interface ServiceDetectionRecord {
  method: DetectionMethod;
  /** Requests sent to find it (probes and TLS handshakes). */
  probes: number;
  connections: number;
  /** The start of a greeting no protocol recognised. */
  unrecognised?: string;
}

/** One service observation: the result of one grabber on one open port. */
export interface ServiceObservation extends Target {
  /** Grabber name: telnet, http, ssh, ftp, … */
  protocol: string;
  status: GrabStatus;
  /** Whatever was extracted, even on failure (partial results are kept). */
  result: GrabResult;
  /** Human-readable detail for non-success statuses. */
  error?: string;
  durationMs: number;
  observedAt: string;
  /** How its protocol was found; absent for observations made before detection existed. */
  detection?: ServiceDetectionRecord;
}

export type DeviceType = 'ip-camera' | 'router' | 'dvr' | 'nas' | 'printer' | 'iot-gateway' | 'critical' | 'other';

/**
 * The sector of a critical device (monitoring and control of infrastructure): findings on
 * such devices have their own handling path (top priority, the sector's contact set, no
 * per-device detail in public statistics).
 */
export const criticalSectors = ['power', 'water', 'gas', 'solar', 'building', 'other'] as const;
export type CriticalSector = (typeof criticalSectors)[number];

/**
 * A piece of software a device runs, as one of its services showed it: "SSH-2.0-dropbear_2014.63"
 * shows dropbear 2014.63, "Server: lighttpd/1.4.35" shows lighttpd 1.4.35. Vulnerability
 * records name such components as often as vendor firmware, so each one is matched too.
 */
export interface SoftwareComponent {
  /** Its usual name, e.g. "dropbear", "BusyBox", "vsftpd". */
  product: string;
  /** The version as the service showed it; absent when it showed none. */
  version?: string;
  /** CPE 2.3 formatted string with the NVD vendor and product names; version ANY when not shown. */
  cpe: string;
  /** The rule that read it, and the service it was read from. */
  ruleId: string;
  protocol: string;
  port: number;
}

/**
 * What identification concluded about the device behind one address. `vendor` is absent
 * when no rule named the maker but the device showed software components (a host that only
 * says "dropbear 2014.63" is still worth matching against vulnerability records).
 */
export interface DeviceIdentity {
  vendor?: string;
  model?: string;
  deviceType: DeviceType;
  firmwareVersion?: string;
  /** Hardware revision when the device shows it ("B1"); some vulnerabilities depend on it. */
  hardwareVersion?: string;
  releaseYear?: number;
  /** CPE 2.3 formatted string, when it can be built sensibly. */
  cpe?: string;
  /** 0..1, combined from the rules that matched. */
  confidence: number;
  /** Rule ids that contributed, with the service they matched on. */
  evidence: Array<{ ruleId: string; protocol: string; port: number; matched: string }>;
  /** Software the device runs (one entry per product and version); absent or empty when none was shown. */
  components?: SoftwareComponent[];
  /** For a `critical` device only: the infrastructure it monitors or controls ('other' when no rule said). */
  sector?: CriticalSector;
}

/**
 * Who runs or installed a critical device, as its own web page shows it (solar monitors often
 * print the installer's company, phone and e-mail). Operator-only: it is stored with the device
 * and shown in the operator's dashboard, never in ISP exports, sector reports or public pages.
 * Every field is text the page showed, bounded and validated (identify/owner-contact.ts).
 */
export interface OwnerContact {
  company?: string;
  phone?: string;
  email?: string;
  /** The protocol and port of the page it was read from. */
  source: { protocol: string; port: number };
}

export interface Device {
  ip: string;
  identity: DeviceIdentity;
  /** Only for critical devices whose web page shows an owner's or installer's contact. */
  ownerContact?: OwnerContact;
}

import type { FindingKind } from './finding-kinds.ts';

/** The kinds of finding, with their names and classifications, are listed in finding-kinds.ts. */
export type { FindingKind };

/** A weakness found on a device; the unit that is stored, reported and tracked. */
export interface Finding {
  kind: FindingKind;
  ip: string;
  port: number;
  protocol: string;
  /** For weak-credential: the dictionary entry that worked (never the password itself). */
  dictionaryEntryId?: string;
  /** Structured, non-secret evidence (prompt seen, response class, …). */
  evidence: Record<string, unknown>;
  observedAt: string;
}

/**
 * What a UDP service's answer to one request showed about abusing it as a reflector: a spoofed
 * request of `requestBytes` makes the service send `replyBytes` to the victim. The bandwidth
 * amplification factor is replyBytes ÷ requestBytes, both UDP payload bytes (Rossow, "Amplification
 * Hell", NDSS 2014). Only replies that parsed as the protocol's answer to this request (its token
 * or id matched) may be counted: a flood of garbage is not a reflector.
 */
export interface ReflectionMeasure {
  /** The request measured, as reports name it: "M-SEARCH ssdp:all", "monlist", "stats", "ANY example.org". */
  request: string;
  /** UDP payload bytes of the request. */
  requestBytes: number;
  /** UDP payload bytes of the replies as they arrived (before the survey's byte cap cut any). */
  replyBytes: number;
  replyPackets: number;
}

/** The evidence a `reflector` finding carries: the measure and its bandwidth amplification factor. */
export interface ReflectorEvidence extends ReflectionMeasure {
  /** replyBytes ÷ requestBytes, two decimals. */
  amplification: number;
  /**
   * The protocol's own facts that reports show beside the figures (SSDP `server`, `location`;
   * SNMP `sysDescr`, `sysName`; NTP `version`, `stratum`; memcached `version` …): the text and
   * number fields of the grab result, named as the protocol names them, bounded in count and size.
   */
  facts?: { readonly [field: string]: string | number };
}

/** One login attempt, for the audit log the survey plan is accountable for. */
export interface CredentialAttempt extends Target {
  protocol: string;
  dictionaryEntryId: string;
  username: string;
  outcome: 'accepted' | 'rejected' | 'no-prompt' | 'error';
  detail?: string;
  attemptedAt: string;
}

/** A source a darknet window judged to be a scanner (or a known research scanner). */
export interface DarknetSourceRecord {
  ip: string;
  verdict: 'scanner' | 'research';
  /** 'mirai' when most probes carry Mirai's fingerprint (TCP sequence = destination address). */
  family?: 'mirai' | 'other';
  /** A scanning tool's fingerprint that dominates its probes. */
  tool?: 'zmap' | 'masscan';
  packets: number;
  /** Distinct darknet addresses probed (exact up to a small count, then a HyperLogLog estimate). */
  distinctDestinations: number;
  /** Most probed destination ports, most first. */
  topPorts: Array<{ port: number; count: number }>;
  /** Packets per packet class (mirai, zmap, masscan, tcp-syn-scan, backscatter, udp-probe, icmp-probe, other). */
  hits: Record<string, number>;
  firstSeen: string;
  lastSeen: string;
  reason: string;
}

/** What a darknet observed in one window (an hour or a day): totals, and the sources it judged. */
export interface DarknetWindow {
  /** IPv4 CIDR of the darknet. */
  darknet: string;
  darknetSize: number;
  /** Window start (UTC, ISO-8601) and length: 3600 for hours, 86400 for days. */
  start: string;
  periodSeconds: number;
  /** First and last packet inside the window: a partial window is judged on what it covers. */
  firstPacketAt: string;
  lastPacketAt: string;
  packets: number;
  /** Distinct sources. */
  sources: number;
  scanners: number;
  miraiScanners: number;
  researchSources: number;
  backscatterSources: number;
  classTotals: Record<string, number>;
  /** Most frequent TCP/UDP destination ports (up to 100). */
  topPorts: Array<{ port: number; packets: number }>;
  /** Scanners and research scanners with their counters; other sources are only counted. */
  judged: DarknetSourceRecord[];
}

/**
 * A DRDoS attack seen from the darknet: reflectors' replies (UDP from an amplification
 * service's port) to one darknet address, with no gap longer than the idle time
 * (src/darknet/drdos/, docs/darknet.md). Pieces of one attack read from different captures
 * are merged through `reflectorSketch`.
 */
export interface DarknetAttack {
  /** IPv4 CIDR of the darknet. */
  darknet: string;
  /** The spoofed victim: the darknet address the replies arrive at. */
  victim: string;
  /** The abused protocol's name (reflector-ports.yaml) and the reflectors' source port. */
  protocol: string;
  port: number;
  /** First and last reply (UTC, ISO-8601). */
  start: string;
  end: string;
  packets: number;
  /** IP bytes (total length) of the replies. */
  bytes: number;
  /** Distinct reflectors: exact up to 8, then a 256-register HyperLogLog (±6.5 %). */
  reflectors: number;
  /** Whether the thresholds call it an attack; a piece below them is kept only while it may continue in another capture. */
  qualified: boolean;
  /** It may continue in an earlier or a later capture: it began (ended) within the idle time of where its input did. */
  atInputStart: boolean;
  atInputEnd: boolean;
  /** Its state was evicted to bound memory before it went quiet: what followed counted apart. */
  evicted: boolean;
  /** The distinct-reflector state, to merge pieces exactly (kept only at an input's edge): "e:" + sorted addresses, or "h:" + base64 registers. */
  reflectorSketch?: string;
}

/** Who a finding's address belongs to: prefix → ASN → ISP (issue 5's attribution step). */
export interface Attribution {
  /** Longest matching routed prefix, e.g. "198.51.100.0/22". */
  prefix?: string;
  asn?: number;
  /** AS name/organisation as the prefix data gives it. */
  asName?: string;
  /** ISO 3166 country code when the data gives one. */
  country?: string;
  /** The ISP in the registry (by one of its ASNs or extra prefixes). */
  ispId?: string;
  ispName?: string;
  /**
   * The system integrator whose managed ranges hold the address (src/attribution/integrators.ts):
   * it gets its own report beside the ISP's.
   */
  integratorId?: string;
  integratorName?: string;
  /** Where the answer came from. */
  source: 'registry' | 'prefix-table' | 'rdap' | 'none';
  /** Abuse contact found by RDAP for networks outside the registry. */
  abuseEmail?: string;
  /** Set when no ISP could be named: why (not routed, ASN not in the registry, RDAP failed …). */
  unattributedReason?: string;
}

/** A finding as notification sees it: the stored row, its device identity, and its attribution. */
export interface NotifiableFinding {
  id: number;
  kind: FindingKind;
  ip: string;
  port: number;
  protocol: string;
  evidence: Record<string, unknown>;
  status: 'open' | 'closed';
  firstSeen: string;
  lastSeen: string;
  /** When a re-check first no longer saw it, for a closed finding (remediated). */
  closedAt?: string;
  vendor?: string;
  model?: string;
  deviceType?: DeviceType;
  /** Set for critical devices: which sector's contacts also hear about it. */
  sector?: CriticalSector;
  firmwareVersion?: string;
  releaseYear?: number;
  attribution: Attribution;
}
