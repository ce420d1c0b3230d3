/**
 * The lab's payload devices: four ordinary-looking devices whose banners, titles and
 * headers carry the script-injection payloads of payloads.ts, each with a weak
 * password so the survey records a finding and the payloads reach the pages that show
 * findings. Three are lab-vendor devices (identified as usual from their web pages)
 * with one field swapped for a payload; the fourth is an HP-style printer whose
 * identified model name itself carries a payload. They take fixed slots of the
 * population, like hostile devices, and only when hostile devices are on.
 */
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import type { Random } from '../core/random.ts';
import { strongCredential, weakCredential } from './credentials.ts';
import { labPayload, payloadModel } from './payloads.ts';
import type { LabDevice, LabService, PayloadId } from './types.ts';
import { proftpdPersona } from './vendors/ftp-kit.ts';
import { vendorProfile } from './vendors/index.ts';
import { payloadPrinterSite } from './vendors/payload-printer.ts';
import { deviceNumber, type PlannedService, type VendorProfile } from './vendors/profile.ts';
import { dropbearAt, openSshAt, proftpdAt } from './vendors/software.ts';
import { issueText } from './vendors/telnet-kit.ts';

/** The payload devices, in placement order. */
export const payloadDeviceKinds = ['telnet-camera', 'web-printer', 'ftp-nas', 'ssh-router'] as const;
export type PayloadDeviceKind = (typeof payloadDeviceKinds)[number];

/** The persona builders that serve a device (a vendor profile, or the payload variants). */
export type DevicePersonas = Pick<VendorProfile, 'telnet' | 'http' | 'ftp' | 'ssh'>;

/** What building a payload device needs from the population generator. */
export interface PayloadBuildContext {
  random: Random;
  /** The lab's dictionary entries (weak passwords come from them). */
  entries: readonly DictionaryEntry[];
  /** Passwords a strong credential must avoid. */
  knownPasswords: ReadonlySet<string>;
}

type PlannedLogin = PlannedService & { weak?: true };

/** A lab-vendor device with one payload field: model, its first firmware, and its services. */
interface VendorPlan {
  vendor: string;
  model: string;
  payloads: PayloadId[];
  services(firmwareDate: string): PlannedLogin[];
}

const vendorPlans: Record<Exclude<PayloadDeviceKind, 'web-printer'>, VendorPlan> = {
  // A camera's telnet issue file with a script element in it; its web page identifies it.
  'telnet-camera': {
    vendor: 'Velmora',
    model: 'VM-IPC2130',
    payloads: ['telnet-banner'],
    services: () => [
      { port: 80, protocol: 'http', auth: 'form' },
      { port: 23, protocol: 'telnet', auth: 'login', weak: true },
    ],
  },
  // A NAS whose ProFTPD ServerName (free text its owner sets) is an iframe.
  'ftp-nas': {
    vendor: 'Storix',
    model: 'SXN-412P',
    payloads: ['ftp-greeting'],
    services: (date) => [
      { port: 8080, protocol: 'http', auth: 'form' },
      { port: 21, protocol: 'ftp', auth: 'login', software: `ProFTPD ${proftpdAt(date)}`, weak: true },
      { port: 22, protocol: 'ssh', auth: 'login', software: openSshAt(date) },
    ],
  },
  // A router whose SSH identification line has a comment (RFC 4253 allows free text after the software).
  'ssh-router': {
    vendor: 'Quillon',
    model: 'QR-C80',
    payloads: ['ssh-comment'],
    services: (date) => [
      { port: 80, protocol: 'http', auth: 'form' },
      { port: 22, protocol: 'ssh', auth: 'login', software: `${dropbearAt(date)} ${labPayload('ssh-comment').text}`, weak: true },
    ],
  },
};

/** The printer's weak pair: admin/admin, the most common default of all. */
const printerCredentialId = 'on-001';

/**
 * Which population slots (indexes into the sorted addresses) hold which payload device:
 * spread evenly over the lab, each moved up past slots already `taken` (hostile devices).
 * @example choosePayloadSlots(2000, new Set()) // Map { 250 => 'telnet-camera', 750 => 'web-printer', … }
 */
export function choosePayloadSlots(deviceCount: number, taken: ReadonlySet<number>): Map<number, PayloadDeviceKind> {
  if (deviceCount < taken.size + payloadDeviceKinds.length) throw new Error(`a lab of ${deviceCount} devices has no room for the payload devices`);
  const slots = new Map<number, PayloadDeviceKind>();
  payloadDeviceKinds.forEach((kind, position) => {
    let slot = Math.floor(((position + 0.5) * deviceCount) / payloadDeviceKinds.length);
    while (taken.has(slot) || slots.has(slot)) slot = (slot + 1) % deviceCount;
    slots.set(slot, kind);
  });
  return slots;
}

/**
 * Build one payload device at `ip`. Pure: same kind, address and context ⇒ same device.
 * @example payloadDevice('web-printer', '127.77.3.9', context).identity?.model // 'LaserJet <svg onload=window.__xss=3>'
 */
export function payloadDevice(kind: PayloadDeviceKind, ip: string, context: PayloadBuildContext): LabDevice {
  if (kind === 'web-printer') return printerDevice(ip, context);
  const plan = vendorPlans[kind];
  const vendor = vendorProfile(plan.vendor);
  const model = vendor.models.find((candidate) => candidate.model === plan.model);
  if (!model) throw new Error(`${plan.vendor} has no model ${plan.model}`);
  const firmware = vendor.firmwareReleases(model)[0]!;
  const weakEntry = dictionaryEntry(context.entries, vendor.defaultCredentialId);
  const strong = strongCredential(context.random, weakEntry.username, context.knownPasswords);
  const services: LabService[] = plan
    .services(firmware.date)
    .map(({ weak, ...service }) => ({ ...service, credential: weak ? weakCredential(weakEntry) : { ...strong } }));
  return {
    ip,
    role: 'device',
    identity: { vendor: vendor.vendor, model: model.model, deviceType: model.deviceType, firmwareVersion: firmware.version, releaseYear: model.releaseYear },
    firmwareDate: firmware.date,
    hostname: vendor.hostname(model, ip),
    services,
    payloads: [...plan.payloads],
  };
}

function printerDevice(ip: string, context: PayloadBuildContext): LabDevice {
  const entry = dictionaryEntry(context.entries, printerCredentialId);
  return {
    ip,
    role: 'device',
    // No rule gives this printer a firmware version, so a perfect survey reports none.
    identity: { vendor: 'HP', model: payloadModel, deviceType: 'printer', firmwareVersion: '', releaseYear: 2011 },
    firmwareDate: '2011-03-10',
    hostname: `NPI${(deviceNumber(ip, 'payload-printer-mac') & 0xffffff).toString(16).toUpperCase().padStart(6, '0')}`,
    services: [{ port: 80, protocol: 'http', auth: 'basic', credential: weakCredential(entry) }],
    payloads: ['http-title', 'http-server-header', 'http-realm'],
  };
}

function dictionaryEntry(entries: readonly DictionaryEntry[], id: string): DictionaryEntry {
  const entry = entries.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`payload devices: ${id} is not among the lab's dictionary entries`);
  return entry;
}

/**
 * The personas of a payload device: its vendor's, with the payload fields swapped in
 * (the printer has its own web server and nothing else).
 * @example payloadPersonas(device).telnet?.(device, service).issue // '\r\n<script>window.__xss=1</script>\r\n\r\n'
 */
export function payloadPersonas(device: LabDevice): DevicePersonas {
  const payloads = new Set(device.payloads ?? []);
  if (payloads.has('http-server-header')) return { http: payloadPrinterSite };
  const vendor = vendorProfile(device.identity?.vendor ?? '');
  const personas: DevicePersonas = { http: vendor.http, ftp: vendor.ftp, ssh: vendor.ssh };
  if (vendor.telnet) {
    const telnet = vendor.telnet;
    personas.telnet = payloads.has('telnet-banner')
      ? (target, service) => ({ ...telnet(target, service), issue: issueText([labPayload('telnet-banner').text]) })
      : telnet;
  }
  if (payloads.has('ftp-greeting')) {
    // ProFTPD prints its ServerName in the greeting: the owner-set name is the payload.
    personas.ftp = (target) => proftpdPersona(proftpdAt(target.firmwareDate ?? '2015-01-01'), labPayload('ftp-greeting').text, target.ip);
  }
  return personas;
}
