/**
 * The lab's critical devices that speak S7, IEC 60870-5-104 and Niagara Fox: a Siemens
 * S7-1200 PLC at a pumping station (the protocol itself names Siemens, so the vendor is the
 * real one), an RTU at a substation (fictional Gridmont) that answers IEC 104 and shows nothing
 * that names its maker (no survey can identify it), and a Niagara building
 * supervisor sold under a fictional OEM brand (Halvane). They take fixed slots of every
 * lab of `icsBMinimumDevices` or more, past the hostile and payload devices; every other
 * device stays exactly as it was drawn.
 */
import type { Socket } from 'node:net';
import { hashText } from '../../core/random.ts';
import { serveFoxStation, type FoxStationPersona } from '../services/fox-station.ts';
import { type Iec104StationPersona, serveIec104Station } from '../services/iec104-station.ts';
import { serveS7Plc, type S7PlcPersona } from '../services/s7-plc.ts';
import type { LabStatsRecorder } from '../stats.ts';
import type { LabDevice, LabService } from '../types.ts';

export const icsBDeviceKinds = ['pump-station-plc', 'substation-rtu', 'building-supervisor'] as const;
export type IcsBDeviceKind = (typeof icsBDeviceKinds)[number];

/** Smaller labs (most unit tests') have none, so their figures do not move. */
export const icsBMinimumDevices = 200;

/**
 * Which population slots hold which device: spread over the lab, each moved up past slots already `taken`.
 * @example chooseIcsBSlots(2000, new Set()) // Map { 133 => 'pump-station-plc', 800 => 'substation-rtu', 1466 => 'building-supervisor' }
 */
export function chooseIcsBSlots(deviceCount: number, taken: ReadonlySet<number>): Map<number, IcsBDeviceKind> {
  const slots = new Map<number, IcsBDeviceKind>();
  if (deviceCount < icsBMinimumDevices) return slots;
  icsBDeviceKinds.forEach((kind, position) => {
    let slot = Math.floor(((position + 0.2) * deviceCount) / icsBDeviceKinds.length);
    while (taken.has(slot) || slots.has(slot)) slot = (slot + 1) % deviceCount;
    slots.set(slot, kind);
  });
  return slots;
}

/** Niagara release of the supervisor: its firmware version as a survey reads it (`app.version`). */
const supervisorNiagaraVersion = '4.10.1.36';

/**
 * Build one device at `ip`. Pure: same kind and address ⇒ same device.
 * @example icsBDevice('pump-station-plc', '127.77.0.9').identity?.model // 'S7-1200'
 */
export function icsBDevice(kind: IcsBDeviceKind, ip: string): LabDevice {
  switch (kind) {
    case 'pump-station-plc':
      return {
        ip,
        role: 'device',
        identity: { vendor: 'Siemens', model: 'S7-1200', deviceType: 'critical', firmwareVersion: '4.2.3', releaseYear: 2014 },
        firmwareDate: '2018-06-01',
        hostname: 'PLC_PUMPSTATION',
        services: [{ port: 102, protocol: 's7' }],
      };
    case 'substation-rtu':
      // IEC 104 names no vendor, model or firmware: the truth says what the RTU is, and no
      // survey can tell it (identification scores count it as missed, by design).
      return {
        ip,
        role: 'device',
        identity: { vendor: 'Gridmont', model: 'GRT-400', deviceType: 'critical', firmwareVersion: '2.7.1', releaseYear: 2014 },
        firmwareDate: '2014-03-01',
        hostname: 'RTU-SUBST-04',
        services: [{ port: 2404, protocol: 'iec104' }],
      };
    case 'building-supervisor':
      return {
        ip,
        role: 'device',
        identity: { vendor: 'Halvane', model: 'HBS-8', deviceType: 'critical', firmwareVersion: supervisorNiagaraVersion, releaseYear: 2019 },
        firmwareDate: '2021-09-15',
        hostname: `halvane-bms-${(hashText(`bms:${ip}`) & 0xfff).toString(16)}`,
        services: [{ port: 1911, protocol: 'fox' }],
      };
  }
}

/**
 * The S7 CPU's self-description of a device's S7 service.
 * @example s7PersonaOf(device).orderNumber // '6ES7 214-1AG40-0XB0'
 */
export function s7PersonaOf(device: LabDevice): S7PlcPersona {
  return {
    slot: 1,
    orderNumber: '6ES7 214-1AG40-0XB0',
    hardwareVersion: 1,
    firmware: [4, 2, 3],
    plcName: device.hostname ?? 'PLC_1',
    moduleName: 'PLC_1',
    moduleType: 'CPU 1214C DC/DC/DC',
    serialNumber: `S C-${serialOf(device)}`,
    copyright: 'Original Siemens Equipment',
  };
}

/**
 * The IEC 104 station of a device: its common address, and the end-of-initialisation it sends unasked.
 * @example iec104PersonaOf(device).announcesInitialisation // true
 */
export function iec104PersonaOf(device: LabDevice): Iec104StationPersona {
  return { commonAddress: (hashText(`asdu:${device.ip}`) % 65_534) + 1, announcesInitialisation: true };
}

/**
 * The Fox hello of a device's Niagara station.
 * @example new Map(foxPersonaOf(device).hello).get('brandId') // 's:halvane'
 */
export function foxPersonaOf(device: LabDevice): FoxStationPersona {
  const serial = serialOf(device);
  return {
    hello: [
      ['fox.version', 's:1.0'],
      ['id', 'i:317'],
      ['hostName', `s:${device.hostname ?? device.ip}`],
      ['hostAddress', `s:${device.ip}`],
      ['app.name', 's:Station'],
      ['app.version', `s:${supervisorNiagaraVersion}`],
      ['vm.name', 's:OpenJDK 64-Bit Server VM'],
      ['vm.version', 's:25.302-b08'],
      ['os.name', 's:QNX'],
      ['os.version', 's:6.5.0'],
      ['station.name', 's:Bldg_East_Plant'],
      ['lang', 's:en'],
      ['timeZone', 's:Europe/Berlin;3600000;3600000;02:00:00.000,wall;march,-1,sunday;03:00:00.000,wall;october,-1,sunday'],
      ['hostId', `s:Qnx-HBS8-0000-${serial.slice(0, 4)}-${serial.slice(4, 8)}`],
      ['vmUuid', `s:${serial.toLowerCase()}-0000-4000-8000-000000000000`],
      ['brandId', 's:halvane'],
      // A serialised component tree, as stations send: a grab must skip it.
      ['sysInfo', 'o:bog 12[<bog v="1"/>]'],
    ],
  };
}

function serialOf(device: LabDevice): string {
  return hashText(`serial:${device.ip}`).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * The connection handler of an S7, IEC 104 or Fox service, or undefined for any other service.
 * @example const serve = icsBHandler(device, service, stats); if (serve) return serve
 */
export function icsBHandler(device: LabDevice, service: LabService, stats: LabStatsRecorder): ((socket: Socket) => void) | undefined {
  switch (service.protocol) {
    case 's7': {
      const persona = s7PersonaOf(device);
      return (socket) => serveS7Plc(socket, persona, stats);
    }
    case 'iec104': {
      const persona = iec104PersonaOf(device);
      return (socket) => serveIec104Station(socket, persona, stats);
    }
    case 'fox': {
      const persona = foxPersonaOf(device);
      return (socket) => serveFoxStation(socket, persona, stats);
    }
    default:
      return undefined;
  }
}
