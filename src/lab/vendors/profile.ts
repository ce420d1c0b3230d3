/**
 * What a fictional vendor is to the lab: its products, firmware history, which
 * services its devices run, and how each service looks on the wire. Personas are
 * pure functions of a LabDevice, so tests can compute exactly what a device sends
 * without starting it, and the servers send exactly that.
 */
import type { DeviceType } from '../../core/records.ts';
import type { Random } from '../../core/random.ts';
import { hashText } from '../../core/random.ts';
import type { RtspPersona } from '../services/rtsp-personas.ts';
import type { LabAuth, LabDevice, LabIdentity, LabProtocol, LabService } from '../types.ts';

/** The lab's "today": firmware is never dated after it, ages are measured from it. */
export const labToday = '2025-10-31';
export const labYear = 2025;

export interface ModelSpec {
  model: string;
  deviceType: DeviceType;
  releaseYear: number;
  /** Marketing words shown beside the model, e.g. "Wireless N Router". */
  description: string;
  /**
   * Hardware revision ("B1"), for real-product profiles only: NVD configurations of real
   * routers often name it (`cpe:2.3:h:dlink:dir-605l:b1`), so a model sold in several
   * revisions is listed once per revision.
   */
  hardwareVersion?: string;
}

export interface FirmwareRelease {
  version: string;
  /** Build date, YYYY-MM-DD. */
  date: string;
  /**
   * Real-product profiles only: the real CVE ids this release on this hardware is affected
   * by, curated by hand from the records' configurations (each profile cites why).
   */
  cves?: readonly string[];
}

/** A service before credentials are assigned. */
export interface PlannedService {
  port: number;
  protocol: LabProtocol;
  auth?: LabAuth;
  software?: string;
}

export interface ServicePlanContext {
  model: ModelSpec;
  firmware: FirmwareRelease;
  /** The device gives a root shell on telnet without asking for a password. */
  openShell: boolean;
  random: Random;
}

/** How a telnet service talks: the text of each step of a login dialogue. */
export interface TelnetPersona {
  /** Option negotiation sent right after accepting (IAC sequences). */
  negotiation: Buffer;
  /** Text before the first prompt (issue file), CRLF line ends; may be empty. */
  issue: string;
  loginPrompt: string;
  passwordPrompt: string;
  /** Sent after a wrong password, before the next login prompt. */
  loginFailed: string;
  /** Sent after a successful login (or at once on an open shell), before the shell prompt. */
  welcome: string;
  shellPrompt: string;
  /** Failures before the connection is closed. */
  maxFailures: number;
}

/** How an FTP service answers. Every reply includes its code and CRLF. */
export interface FtpPersona {
  greeting: string;
  passwordRequired(user: string): string;
  loggedIn(user: string): string;
  loginFailed: string;
  loginFirst: string;
  userFirst: string;
  goodbye: string;
  system: string;
}

/** How an SSH service authenticates (its key exchange is the same for every persona). */
export interface SshPersona {
  /** Algorithm lists of its KEXINIT: only what the lab implements, in the order the real server lists them. */
  algorithms: { kex: readonly string[]; hostKey: readonly string[]; cipher: readonly string[]; mac: readonly string[] };
  /** The method that takes a password: plain "password", or "keyboard-interactive" (a PAM setup with PasswordAuthentication off). */
  passwordMethod: 'password' | 'keyboard-interactive';
  /** Refused attempts before the server hangs up. */
  maxAuthTries: number;
  /**
   * How it hangs up: OpenSSH disconnects instead of answering the last refused attempt,
   * dropbear answers it and then closes.
   */
  hangUp: 'disconnect-instead-of-failure' | 'failure-then-close';
  /** "none" logs in a user whose password is empty (dropbear -B, OpenSSH PermitEmptyPasswords with password logins). */
  blankPasswordWithNone: boolean;
}

export interface HttpRequestInfo {
  method: string;
  /** Path with query, as sent. */
  path: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

export interface HttpReply {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  /** Whether the server adds a Date header (many embedded servers do not). */
  sendDate: boolean;
  /** Set when the request was a login attempt. */
  login?: 'accepted' | 'rejected';
}

/** One web server of one device: request in, reply out, no I/O. */
export type HttpSite = (request: HttpRequestInfo) => HttpReply;

export interface VendorProfile {
  vendor: string;
  /** Relative share of the lab's devices. */
  share: number;
  /** Id of the dictionary entry most weak devices of this vendor keep (a factory default). */
  defaultCredentialId: string;
  models: readonly ModelSpec[];
  firmwareReleases(model: ModelSpec): FirmwareRelease[];
  hostname(model: ModelSpec, ip: string): string;
  planServices(context: ServicePlanContext): PlannedService[];
  telnet?(device: LabDevice, service: LabService): TelnetPersona;
  http?(device: LabDevice, service: LabService): HttpSite;
  ftp?(device: LabDevice, service: LabService): FtpPersona;
  /** Omitted: the persona follows the software the service announces (see ssh-kit.ts). */
  ssh?(device: LabDevice, service: LabService): SshPersona;
  /** Cameras and recorders: the RTSP server family their streams come from, and how it asks for a login (reach.ts adds the service). */
  rtsp?: { persona: RtspPersona; auth: 'basic' | 'digest' };
  /**
   * Set on profiles of real products (real vendor and model names, simulated for testing
   * the vulnerability matcher): their releases carry curated `cves`.
   */
  realProduct?: boolean;
}

/**
 * The identity of a non-hostile device; personas are only built for those.
 * @example identityOf(device).model // 'VM-IPC2130'
 */
export function identityOf(device: LabDevice): LabIdentity {
  if (!device.identity) throw new Error(`device ${device.ip} has no identity (hostile devices have no persona)`);
  return device.identity;
}

/**
 * Build dates of a model's firmware releases, oldest first: the first in its release
 * year, then one every 7–14 months, never after the lab's today, at most `maximum`.
 * @example firmwareDates({ model: 'X-1', releaseYear: 2024, ... }, 5) // ['2024-03-09', '2025-01-21']
 */
export function firmwareDates(model: ModelSpec, maximum = 5): string[] {
  const seed = hashText(model.model);
  let monthIndex = model.releaseYear * 12 + (seed % 9);
  const dates: string[] = [];
  for (let release = 0; release < maximum; release++) {
    const year = Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    const day = 1 + ((seed >>> (release + 3)) % 28);
    const date = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
    if (date > labToday) break;
    dates.push(date);
    monthIndex += 7 + ((seed >>> (release * 3)) % 8);
  }
  return dates;
}

/**
 * Deterministic per-device variation (MAC-like suffixes, toner levels) from the address.
 * @example deviceNumber('127.77.0.5', 'toner') % 100 // same number on every run
 */
export function deviceNumber(ip: string, salt: string): number {
  return hashText(`${salt}|${ip}`);
}

/** @example pad(7, 3) // '007' */
export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The yymmdd build stamp many firmware strings carry. @example yymmdd('2015-03-11') // '150311' */
export function yymmdd(date: string): string {
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

/** @example yyyymmdd('2015-03-11') // '20150311' */
export function yyyymmdd(date: string): string {
  return date.replaceAll('-', '');
}
