/**
 * What a perfect grab records of the lab's S7, IEC 104 and Fox services (src/lab/critical/ics-b.ts),
 * computed from the same personas the lab's servers answer with.
 */
import type { GrabResult } from '../../../src/core/records.ts';
import { foxPersonaOf, iec104PersonaOf, s7PersonaOf } from '../../../src/lab/critical/ics-b.ts';
import type { LabDevice, LabService } from '../../../src/lab/types.ts';

/** Hello field → grab result field. */
const foxFields: ReadonlyMap<string, string> = new Map([
  ['fox.version', 'foxVersion'],
  ['hostName', 'hostName'],
  ['hostAddress', 'hostAddress'],
  ['app.name', 'appName'],
  ['app.version', 'appVersion'],
  ['vm.name', 'vmName'],
  ['vm.version', 'vmVersion'],
  ['os.name', 'osName'],
  ['os.version', 'osVersion'],
  ['station.name', 'stationName'],
  ['brandId', 'brandId'],
  ['timeZone', 'timeZone'],
  ['hostId', 'hostId'],
]);

/** @example observeIcsB(device, { port: 102, protocol: 's7' })?.orderNumber // '6ES7 214-1AG40-0XB0' */
export function observeIcsB(device: LabDevice, service: LabService): GrabResult | undefined {
  switch (service.protocol) {
    case 's7': {
      const persona = s7PersonaOf(device);
      const [major, minor, patch] = persona.firmware;
      return {
        destinationTsap: 0x0100 + persona.slot,
        pduLength: 240,
        orderNumber: persona.orderNumber,
        hardwareVersion: String(persona.hardwareVersion),
        firmwareVersion: `V${major}.${minor}.${patch}`,
        plcName: persona.plcName,
        moduleName: persona.moduleName,
        ...(persona.plantIdentification ? { plantIdentification: persona.plantIdentification } : {}),
        copyright: persona.copyright,
        serialNumber: persona.serialNumber,
        moduleType: persona.moduleType,
      };
    }
    case 'iec104': {
      const persona = iec104PersonaOf(device);
      return persona.announcesInitialisation
        ? { testConfirmed: true, unprompted: 1, unpromptedFrames: 'I', firstAsduType: 70, firstAsduCause: 4, commonAddress: persona.commonAddress }
        : { testConfirmed: true, unprompted: 0 };
    }
    case 'fox': {
      const result: GrabResult = { complete: true };
      for (const [name, value] of foxPersonaOf(device).hello) {
        const field = foxFields.get(name);
        if (field) result[field] = value.slice(2);
      }
      return result;
    }
    default:
      return undefined;
  }
}
