/**
 * Modbus/TCP (502), the register protocol of PLCs, power meters, inverters and gateways: it has
 * no authentication at all, so a reachable device is one anyone can read and write. A survey
 * sends only Read Device Identification (function 43 / MEI 14) to learn vendor, product and
 * firmware; a device that refuses it with an exception is still recorded as Modbus.
 */
import { defineProtocol } from '../protocol.ts';
import { encodeReadDeviceId, isModbusAnswer, readDeviceIdCodes } from './codec.ts';
import { grabModbus, type ModbusResult } from './grabber.ts';

export default defineProtocol<ModbusResult>({
  name: 'modbus',
  description: 'register protocol of PLCs, meters and inverters, without any authentication; read for its device identification only',
  transport: 'tcp',
  defaultPorts: [502],
  fields: {
    identification: 'text',
    unitId: 'number',
    exceptionCode: 'number',
    conformityLevel: 'number',
    vendorName: 'text',
    productCode: 'text',
    revision: 'text',
    vendorUrl: 'text',
    productName: 'text',
    modelName: 'text',
    userApplicationName: 'text',
  },
  fieldNotes: {
    identification: '`answered` (the objects were read) or `exception` (function 43 refused: still Modbus)',
    unitId: 'unit id that gave the answer: 0, or 255 when 0 answered with an exception',
    exceptionCode: 'the exception to function 43: 1 illegal function, 10/11 gateway path or target failed …',
    conformityLevel: 'conformity level the device declared: 1 basic, 2 regular, 3 extended (+128: individual access)',
    vendorName: 'object 0x00 VendorName',
    productCode: 'object 0x01 ProductCode',
    revision: 'object 0x02 MajorMinorRevision: the firmware release',
    vendorUrl: 'object 0x03 VendorUrl',
    productName: 'object 0x04 ProductName',
    modelName: 'object 0x05 ModelName',
    userApplicationName: 'object 0x06 UserApplicationName: the name the owner gave the program',
  },
  detect: {
    // The grab's own first request: read-only on any Modbus device, meaningless to anything else.
    probe: { request: () => encodeReadDeviceId({ transactionId: 1, unitId: 0, code: readDeviceIdCodes.basic, objectId: 0 }), matches: isModbusAnswer },
  },
  grab: grabModbus,
});
