/**
 * The lab's data model: what a simulated device is (LabDevice, used to run it) and
 * what the ground truth says about it (LabTruth, written for tests and users).
 */
import type { CriticalSector, DeviceType } from '../core/records.ts';
import type { CertificateSubject } from './certificate.ts';

/** Every protocol a lab service may speak; the names are the survey's protocol names. */
export const labProtocols = [
  'telnet',
  'http',
  'https',
  'ssh',
  'ftp',
  'mqtt',
  'mqtts',
  'rtsp',
  'upnp',
  'cwmp',
  'adb',
  'modbus',
  'enip',
  's7',
  'iec104',
  'fox',
] as const;
export type LabProtocol = (typeof labProtocols)[number];
export type LabAuth = 'none' | 'login' | 'basic' | 'digest' | 'form';

/** The UDP protocols a lab device may answer; the names are the survey's protocol names. */
export const labUdpProtocols = ['ssdp', 'snmp', 'ntp', 'dns', 'memcached', 'bacnet'] as const;
export type LabUdpProtocol = (typeof labUdpProtocols)[number];

/** How a hostile device answers UDP: never as a reflector a survey may count. */
export type HostileUdpBehaviour =
  /** Hundreds of datagrams of random bytes for any request. */
  | 'flood'
  /** A well-formed answer, sent from another port of the device (a spoofing tell). */
  | 'other-port'
  /** One datagram of ~64 KiB of random bytes. */
  | 'oversized'
  /** The start of a well-formed answer, cut short, then garbage. */
  | 'malformed';

/** One UDP service of a lab device. Which fields apply depends on the protocol. */
export interface LabUdpService {
  port: number;
  protocol: LabUdpProtocol;
  /** snmp: the community the agent reads (`public` is the weak default; anything else drops `public` requests). */
  community?: string;
  /** ntp: entries in the monitor list (0 = monitoring off: no monlist answer). */
  monitorEntries?: number;
  /** dns: whether it answers anyone's recursive question. */
  openResolver?: boolean;
  /** Only on hostile devices. */
  hostile?: HostileUdpBehaviour;
}
export type HostileBehaviour = 'tarpit' | 'endless-banner' | 'binary-garbage' | 'slow-sender' | 'iac-storm';
export const hostileBehaviours: readonly HostileBehaviour[] = ['tarpit', 'endless-banner', 'binary-garbage', 'slow-sender', 'iac-storm'];

/**
 * A field of a device's answers that carries a script-injection payload (payloads.ts):
 * text from a device that a web page must show escaped, never run.
 */
export type PayloadId = 'telnet-banner' | 'http-title' | 'http-server-header' | 'http-realm' | 'ftp-greeting' | 'ssh-comment';

/** One payload: where the lab sends it, and the global it sets if a page ever runs it. */
export interface LabPayload {
  id: PayloadId;
  /** Running the payload sets `window.__xss` to this number; each payload has its own. */
  marker: number;
  protocol: LabProtocol;
  port: number;
  /** Where a grab records it, named as fingerprint rules name fields (banner, title, headers.server, auth.realm, comment). */
  field: string;
  /** The exact text the device sends (inside a longer banner or header where `field` says so). */
  text: string;
}

/** A user name and password a service accepts. `dictionaryEntryId` is set only when the pair is a weak one from the dictionary. */
export interface LabCredential {
  username: string;
  password: string;
  dictionaryEntryId?: string;
}

/** One listening service of a simulated device. */
export interface LabService {
  port: number;
  protocol: LabProtocol;
  /** telnet: login | none (open shell); http: none | basic | form; ftp: login; ssh: login (password or keyboard-interactive, per persona). */
  auth?: LabAuth;
  /**
   * The one pair the service accepts. Servers read it (and telnet its `auth`) at each login, because
   * a remediated device changes them while the lab runs (fix-device.ts); nothing else changes.
   */
  credential?: LabCredential;
  /** Server software shown on the wire (ssh: "dropbear_2015.71", optionally a space and a comment; ftp: "vsFTPd 3.0.3"; http: Server header when generic). */
  software?: string;
  /** TLS services (https, mqtts): the subject of the self-signed certificate the device presents. */
  certificate?: CertificateSubject;
  /** The port its protocol usually has on this kind of device, when the service was moved off it (reach.ts). */
  movedFrom?: number;
}

export interface LabIdentity {
  vendor: string;
  model: string;
  deviceType: DeviceType;
  firmwareVersion: string;
  releaseYear: number;
  /** Hardware revision ("B1"), set only for the real-product profiles whose CVE configurations depend on it. */
  hardwareVersion?: string;
  /** Critical devices only (critical/web-monitors.ts): the sector a survey should report. */
  sector?: CriticalSector;
}

/** A simulated device: everything its servers need to behave, fixed at generation time (except what a remediation changes). */
export interface LabDevice {
  ip: string;
  role: 'device' | 'hostile';
  hostileBehaviour?: HostileBehaviour;
  identity?: LabIdentity;
  /** Build date of the firmware (YYYY-MM-DD); drives versions of bundled software. */
  firmwareDate?: string;
  /** Host name the device's shell and telnet prompts use. */
  hostname?: string;
  services: LabService[];
  /** UDP services (kept apart from `services`: TCP scoring never counts them). */
  udpServices?: LabUdpService[];
  /** Set on the few devices whose banners and pages carry script-injection payloads (payloads.ts). */
  payloads?: PayloadId[];
}

export type WeaknessVia =
  | 'telnet-login'
  | 'telnet-open-shell'
  | 'http-basic'
  | 'http-form'
  | 'ftp-login'
  | 'ssh-login'
  | 'mqtt-login'
  | 'mqtt-anonymous'
  | 'rtsp-login'
  | 'rtsp-open-stream'
  | 'adb-open';

export interface TruthWeakness {
  kind: 'weak-credential' | 'no-authentication';
  port: number;
  protocol: LabProtocol;
  via: WeaknessVia;
  username?: string;
  password?: string;
  dictionaryEntryId?: string;
}

export interface TruthUdpService {
  port: number;
  protocol: LabUdpProtocol;
  /** Answers a small request with a larger well-formed reply: a `reflector` finding is right. */
  reflector: boolean;
  /** SNMP only: the community `public` reads it (a default credential). */
  readableWithPublic?: boolean;
  /** NTP only: it answers the mode 7 monitor-list request (monlist). */
  monitorList?: boolean;
  hostile?: HostileUdpBehaviour;
}

export interface TruthDevice {
  ip: string;
  role: 'device' | 'hostile';
  hostileBehaviour?: HostileBehaviour;
  identity?: LabIdentity;
  /** `movedFrom` marks a service moved off its protocol's usual port: protocol detection is scored on these. */
  services: Array<{ port: number; protocol: LabProtocol; auth?: LabAuth; movedFrom?: number }>;
  weaknesses: TruthWeakness[];
  /** UDP services: which are reflectors a survey should report, and SNMP readable with `public`. */
  udpServices?: TruthUdpService[];
  /** CVE ids the device's firmware is affected by, sorted; known by construction (see vulnerabilities.ts), never by running the matcher. */
  vulnerabilities: string[];
  /** Only on payload devices: every script-injection payload the device sends, verbatim. */
  payloads?: LabPayload[];
}

/** The CVE ids the lab's truth speaks about: a matcher's claim about any other CVE cannot be scored. */
export interface TruthVulnerabilityFeed {
  /** CVE-2099-* ids of the lab's own NVD-shaped feed (vuln-feed.ts) for its fictional vendors. */
  synthetic: string[];
  /** Real CVE ids from the shared NVD / CVE 5 records that name a real-product profile's hardware or firmware. */
  real: string[];
}

/** The lab's ground truth: what a perfect survey would report. */
export interface LabTruth {
  seed: number;
  cidr: string;
  deviceCount: number;
  devices: TruthDevice[];
  vulnerabilityFeed: TruthVulnerabilityFeed;
}
