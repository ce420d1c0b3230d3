/**
 * The lab's critical devices: web interfaces of infrastructure monitors, by fictional lab
 * vendors shaped like the real ones in src/identify/rules/critical.yaml — a solar monitor whose
 * frame page is titled "Top" and prints the installer's contact (as Contec's SolarView Compact
 * does), an electricity meter whose embedded server names itself (as EIG's meters do), a
 * building-automation station with a versioned Server header (as Tridium Niagara's), and a water
 * telemetry RTU. Each also has a telnet login with a default password, so the survey records
 * findings on critical devices and the critical handling path (notify/sector-reports.ts, public
 * statistics per sector) has something to handle. Rules: src/lab/rules/critical-monitors.yaml.
 *
 * They take fixed slots of the population, like payload devices, so every other device draws
 * exactly what it drew before they existed.
 */
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CriticalSector } from '../../core/records.ts';
import type { Random } from '../../core/random.ts';
import { strongCredential, weakCredential } from '../credentials.ts';
import type { DevicePersonas } from '../payload-devices.ts';
import type { LabDevice } from '../types.ts';
import { customStyle, escapeHtml, notFound, reply, routeOf } from '../vendors/http-kit.ts';
import { deviceNumber, identityOf, type HttpSite } from '../vendors/profile.ts';
import { busyboxLogin, issueText } from '../vendors/telnet-kit.ts';

/** The monitors, in placement order. */
export const webMonitorKinds = ['solar-monitor', 'energy-meter', 'building-station', 'water-rtu'] as const;
export type WebMonitorKind = (typeof webMonitorKinds)[number];

/** Below this many devices the lab has no monitors (small labs of unit tests stay as they were). */
export const webMonitorMinimumLab = 200;

interface MonitorPlan {
  vendor: string;
  model: string;
  sector: CriticalSector;
  releaseYear: number;
  /** Firmware versions the devices run; each device takes one by its address. */
  versions: readonly string[];
  firmwareDate: string;
  /** Server header, when the device sends one. */
  server?(version: string): string;
  page(device: LabDevice): { title: string; body: string };
}

/** Installer contacts printed on solar monitors' pages (fictional companies, documentation numbers). */
const installers = [
  { company: 'あおば電設株式会社', phone: '0120-555-0101', email: 'support@aoba-densetsu.example' },
  { company: 'Kita Solar Service', phone: '03-5555-0199', email: 'service@kita-solar.example' },
] as const;

const plans: Record<WebMonitorKind, MonitorPlan> = {
  'solar-monitor': {
    vendor: 'Helionet',
    model: 'HelioView Compact',
    sector: 'solar',
    releaseYear: 2014,
    versions: ['3.10', '3.20', '4.00'],
    firmwareDate: '2016-05-12',
    page(device) {
      const installer = installers[deviceNumber(device.ip, 'installer') % installers.length]!;
      return {
        title: 'Top',
        body: `<div class="product">HelioView Compact ver.${identityOf(device).firmwareVersion}</div>
<table class="power"><tr><td>発電電力</td><td>${(deviceNumber(device.ip, 'kw') % 90) / 10} kW</td></tr></table>
<div class="footer">施工会社：${installer.company}<br>TEL: ${installer.phone}<br><a href="mailto:${installer.email}">お問い合わせ</a></div>`,
      };
    },
  },
  'energy-meter': {
    vendor: 'Voltaris',
    model: 'VM-200',
    sector: 'power',
    releaseYear: 2012,
    versions: ['2.1.4', '2.3.0'],
    firmwareDate: '2013-02-20',
    server: (version) => `Voltaris Embedded Web Server ${version}`,
    page: () => ({ title: 'VM-200 Power Quality Meter', body: '<table class="readings"><tr><td>Voltage L1</td><td>230.1 V</td></tr></table>' }),
  },
  'building-station': {
    vendor: 'Tridex',
    model: 'Nexus Station',
    sector: 'building',
    releaseYear: 2017,
    versions: ['4.6.96', '4.9.2'],
    firmwareDate: '2019-08-01',
    server: (version) => `Nexus Web Server/${version}`,
    page: () => ({ title: 'Nexus Station Login', body: '<form method="post" action="/login"><input name="user"><input type="password" name="pass"></form>' }),
  },
  'water-rtu': {
    vendor: 'Aquanta',
    model: 'AquaLog RTU-20',
    sector: 'water',
    releaseYear: 2011,
    versions: ['1.8'],
    firmwareDate: '2012-11-05',
    page: (device) => ({
      title: `AquaLog RTU-20 v${identityOf(device).firmwareVersion}`,
      body: '<h1>Telemetry</h1><p>Pumping station 4 — reservoir level 3.8 m</p>',
    }),
  },
};

/**
 * Which population slots hold which monitor: spread over the lab, each moved past slots already
 * `taken` (hostile and payload devices). None in a lab smaller than webMonitorMinimumLab.
 * @example chooseWebMonitorSlots(2000, new Set()) // Map { 125 => 'solar-monitor', 625 => 'energy-meter', … }
 */
export function chooseWebMonitorSlots(deviceCount: number, taken: ReadonlySet<number>): Map<number, WebMonitorKind> {
  const slots = new Map<number, WebMonitorKind>();
  if (deviceCount < webMonitorMinimumLab) return slots;
  webMonitorKinds.forEach((kind, position) => {
    // A quarter step off the payload devices' half steps, so the two rarely meet.
    let slot = Math.floor(((position + 0.25) * deviceCount) / webMonitorKinds.length);
    while (taken.has(slot) || slots.has(slot)) slot = (slot + 1) % deviceCount;
    slots.set(slot, kind);
  });
  return slots;
}

/** What building a monitor needs from the population generator. */
export interface WebMonitorBuildContext {
  random: Random;
  /** The lab's dictionary entries: its telnet login keeps the first (admin/admin-like) factory default. */
  entries: readonly DictionaryEntry[];
  knownPasswords: ReadonlySet<string>;
}

/**
 * One monitor at `ip`. Pure: same kind, address and context ⇒ same device.
 * @example webMonitorDevice('solar-monitor', '127.77.1.9', context).identity?.sector // 'solar'
 */
export function webMonitorDevice(kind: WebMonitorKind, ip: string, context: WebMonitorBuildContext): LabDevice {
  const plan = plans[kind];
  const version = plan.versions[deviceNumber(ip, 'monitor-version') % plan.versions.length]!;
  const factoryDefault = context.entries[0];
  if (!factoryDefault) throw new Error('web monitors: the lab dictionary is empty');
  // Most keep the installer's factory password; some owners changed it.
  const weak = context.random.chance(0.7);
  return {
    ip,
    role: 'device',
    identity: { vendor: plan.vendor, model: plan.model, deviceType: 'critical', sector: plan.sector, firmwareVersion: version, releaseYear: plan.releaseYear },
    firmwareDate: plan.firmwareDate,
    hostname: plan.model.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    services: [
      { port: 80, protocol: 'http', auth: 'none' },
      {
        port: 23,
        protocol: 'telnet',
        auth: 'login',
        credential: weak ? weakCredential(factoryDefault) : strongCredential(context.random, factoryDefault.username, context.knownPasswords),
      },
    ],
  };
}

/**
 * Whether the device is one of these monitors (personas.ts asks, to serve it).
 * @example isWebMonitor(device) // true for a HelioView Compact
 */
export function isWebMonitor(device: LabDevice): boolean {
  return device.identity?.deviceType === 'critical' && Object.values(plans).some((plan) => plan.vendor === device.identity?.vendor);
}

/**
 * The persona builders of a monitor: its status page on HTTP, a BusyBox login on telnet.
 * @example webMonitorPersonas(device).http?.(device, service)({ method: 'GET', path: '/', headers: {}, body: '' }).status // 200
 */
export function webMonitorPersonas(device: LabDevice): DevicePersonas {
  const plan = Object.values(plans).find((candidate) => candidate.vendor === device.identity?.vendor);
  if (!plan) throw new Error(`${device.ip} is not a web monitor`);
  return {
    http: (monitor): HttpSite => {
      const style = customStyle(plan.server?.(identityOf(monitor).firmwareVersion));
      return (request) => {
        if (routeOf(request) !== '/') return notFound(style, request);
        const { title, body } = plan.page(monitor);
        return reply(style, 200, `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>\n`);
      };
    },
    telnet: (monitor) =>
      busyboxLogin({
        hostname: monitor.hostname ?? 'monitor',
        issue: issueText([]),
        firmwareDate: monitor.firmwareDate ?? plan.firmwareDate,
        shellPrompt: '# ',
      }),
  };
}
