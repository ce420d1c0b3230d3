/**
 * The lab's critical devices speaking Modbus/TCP, EtherNet/IP and BACnet/IP: a PLC, a power
 * meter behind a serial gateway and a building controller, of fictional vendors. They take a
 * few fixed slots of the population (as payload devices do), so every other device stays what
 * the seed made it; their identity is what their protocols announce, the truth says it.
 */
import type { EnipDevicePersona } from '../services/enip-device.ts';
import type { ModbusDevicePersona } from '../services/modbus-device.ts';
import type { BacnetDevicePersona } from '../services/udp/bacnet-device.ts';
import type { LabDevice, LabIdentity, LabService, LabUdpService } from '../types.ts';

export type IcsADeviceKind = 'plc' | 'power-meter' | 'building-controller';
const kinds: readonly IcsADeviceKind[] = ['plc', 'power-meter', 'building-controller'];

interface IcsAPlan {
  identity: LabIdentity;
  hostname: string;
  services: LabService[];
  udpServices: LabUdpService[];
  modbus?: Omit<ModbusDevicePersona, 'behaviour'> & { behaviour: ModbusDevicePersona['behaviour'] };
  enip?: EnipDevicePersona;
  bacnet?: Omit<BacnetDevicePersona, 'instance'>;
}

/** BACnet property identifiers (ASHRAE 135 Clause 21) the controller fills in. */
const property = { vendorName: 121, modelName: 70, firmwareRevision: 44, applicationSoftwareVersion: 12, objectName: 77, description: 28, location: 58 };

const plans: Readonly<Record<IcsADeviceKind, IcsAPlan>> = {
  plc: {
    identity: { vendor: 'Tervane Automation', model: 'TX-340', deviceType: 'critical', firmwareVersion: '2.41', releaseYear: 2016 },
    hostname: 'tx340-line2',
    services: [
      { port: 502, protocol: 'modbus' },
      { port: 44818, protocol: 'enip' },
    ],
    udpServices: [],
    modbus: {
      vendorName: 'Tervane Automation',
      productCode: 'TX-340',
      revision: 'V2.41',
      vendorUrl: 'http://www.tervane.example',
      productName: 'Tervane TX-340 CPU',
      modelName: 'TX-340',
      behaviour: 'one-object-per-frame',
    },
    // A vendor id no ODVA table of ours names: the vendor comes from the Modbus answer.
    enip: { vendorId: 64_999, deviceType: 14, productCode: 340, revision: [2, 41], serialNumber: 0x00a1_3f07, productName: 'TX-340', behaviour: 'normal' },
  },
  'power-meter': {
    identity: { vendor: 'Calloway Meters', model: 'PM-720', deviceType: 'critical', firmwareVersion: '3.08', releaseYear: 2013 },
    hostname: 'pm720-feeder4',
    services: [{ port: 502, protocol: 'modbus' }],
    udpServices: [],
    // Behind an RS-485 gateway: unit 0 routes nowhere, the gateway answers for the meter on 255.
    modbus: { vendorName: 'Calloway Meters', productCode: 'PM-720', revision: 'V3.08', behaviour: 'gateway' },
  },
  'building-controller': {
    identity: { vendor: 'Brightmoor Controls', model: 'BMC-1200', deviceType: 'critical', firmwareVersion: '5.2.1', releaseYear: 2018 },
    hostname: 'bmc1200-ahu3',
    // Its Modbus/TCP side serves the meters and drives it integrates: every lab device has a TCP service.
    services: [{ port: 502, protocol: 'modbus' }],
    udpServices: [{ port: 47808, protocol: 'bacnet' }],
    modbus: { vendorName: 'Brightmoor Controls', productCode: 'BMC-1200', revision: '5.2.1', behaviour: 'normal' },
    bacnet: {
      acceptsWildcard: true,
      properties: new Map([
        [property.vendorName, 'Brightmoor Controls'],
        [property.modelName, 'BMC-1200'],
        [property.firmwareRevision, '5.2.1'],
        [property.applicationSoftwareVersion, 'AHU program 12'],
        [property.objectName, 'AHU-3 Controller'],
        [property.description, 'Air handling unit 3'],
        [property.location, 'Plant room B'],
      ]),
    },
  },
};

/**
 * The population slots of the three devices, clear of `taken` (hostile and payload slots); none
 * in a lab too small to spare them.
 * @example chooseIcsASlots(2000, new Set([7])) // Map { 333 => 'plc', 1000 => 'power-meter', 1666 => 'building-controller' }
 */
export function chooseIcsASlots(deviceCount: number, taken: ReadonlySet<number>): Map<number, IcsADeviceKind> {
  const slots = new Map<number, IcsADeviceKind>();
  if (deviceCount < 20 || deviceCount < taken.size + kinds.length * 2) return slots;
  kinds.forEach((kind, position) => {
    // Offset from the payload devices' fractions, so the two rarely meet.
    let slot = Math.floor(((position + 1) * deviceCount) / (kinds.length + 1)) + 1;
    while (taken.has(slot) || slots.has(slot)) slot = (slot + 1) % deviceCount;
    slots.set(slot, kind);
  });
  return slots;
}

/**
 * The device of `kind` at `ip`.
 * @example icsADevice('plc', '127.77.1.2').services.map((service) => service.protocol) // ['modbus', 'enip']
 */
export function icsADevice(kind: IcsADeviceKind, ip: string): LabDevice {
  const plan = plans[kind];
  return {
    ip,
    role: 'device',
    identity: { ...plan.identity },
    firmwareDate: `${plan.identity.releaseYear}-03-01`,
    hostname: plan.hostname,
    services: plan.services.map((service) => ({ ...service })),
    ...(plan.udpServices.length > 0 ? { udpServices: plan.udpServices.map((service) => ({ ...service })) } : {}),
  };
}

/** The plan of the lab device that is one of these, by its identity. */
function planOf(device: LabDevice): IcsAPlan | undefined {
  return Object.values(plans).find((plan) => plan.identity.vendor === device.identity?.vendor && plan.identity.model === device.identity?.model);
}

/** The Modbus persona of one of these devices, if it is one. */
export function modbusPersonaOf(device: LabDevice): ModbusDevicePersona | undefined {
  return planOf(device)?.modbus;
}

/** The EtherNet/IP persona of one of these devices, if it is one. */
export function enipPersonaOf(device: LabDevice): EnipDevicePersona | undefined {
  return planOf(device)?.enip;
}

/** The BACnet persona of one of these devices (its instance derived from its address), if it is one. */
export function bacnetPersonaOf(device: LabDevice): BacnetDevicePersona | undefined {
  const bacnet = planOf(device)?.bacnet;
  if (!bacnet) return undefined;
  const octets = device.ip.split(/[.:]/).map((part) => Number.parseInt(part || '0', 16) || 0);
  return { ...bacnet, instance: (octets.reduce((sum, octet) => sum * 7 + octet, 0) % 4_000_000) + 1 };
}
