import { randomInt } from 'node:crypto';
import type { Target } from '../../core/records.ts';
import type { Connection } from '../../scope/connection.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { decodeFrame, deviceIdObjects, encodeReadDeviceId, type ModbusAnswer, offersRegular, type ReadDeviceIdCode, readDeviceIdCodes } from './codec.ts';

/**
 * What a Modbus grab records. `identification` says how the device answered Read Device
 * Identification: `answered` (the objects below) or `exception` (it speaks Modbus but refused
 * function 43: `exceptionCode` says how). Either way the port speaks Modbus/TCP.
 */
export type ModbusResult = {
  identification: 'answered' | 'exception';
  /** The unit id that gave the recorded answer: 0, or 255 when 0 answered with an exception. */
  unitId: number;
  exceptionCode?: number;
  /** 1 basic, 2 regular, 3 extended (+0x80: individual access too), as the device declared it. */
  conformityLevel?: number;
  vendorName?: string;
  productCode?: string;
  /** MajorMinorRevision: the firmware release, e.g. "V3.20". */
  revision?: string;
  vendorUrl?: string;
  productName?: string;
  modelName?: string;
  userApplicationName?: string;
};

/**
 * Unit ids asked, in order. 0 is what TCP-native devices answer as "this device" and ZGrab2's
 * default for the same request; a serial gateway may route 0 nowhere (an exception) and answer
 * for itself on 255, the value the Modbus/TCP guide names for a server addressed by IP. Walking
 * 1–247 as nmap's modbus-discover can would reach devices behind gateways one by one: far more
 * requests per address than an identity needs.
 */
export const surveyUnitIds = [0, 255] as const;
/** Requests per grab, all unit ids and "more follows" rounds together: a device announcing more forever stops here. */
const maxRequests = 8;

const fieldOfObject = new Map<number, keyof ModbusResult>([
  [deviceIdObjects.vendorName, 'vendorName'],
  [deviceIdObjects.productCode, 'productCode'],
  [deviceIdObjects.majorMinorRevision, 'revision'],
  [deviceIdObjects.vendorUrl, 'vendorUrl'],
  [deviceIdObjects.productName, 'productName'],
  [deviceIdObjects.modelName, 'modelName'],
  [deviceIdObjects.userApplicationName, 'userApplicationName'],
]);

/**
 * Read Device Identification, basic category (VendorName, ProductCode, MajorMinorRevision), on
 * unit 0; on an exception, the same on unit 255. Then the regular category (VendorUrl,
 * ProductName, ModelName, UserApplicationName) when the device declares it. "More follows" is
 * followed from the next object id, within `maxRequests`. Nothing else is ever sent: no
 * register or coil is read, nothing is written.
 * @example const { result } = await grabModbus(ctx, { ip: '192.0.2.1', port: 502 }) // result.vendorName
 */
export function grabModbus(ctx: GrabContext, target: Target): Promise<GrabOutcome<ModbusResult>> {
  return grabOver(ctx, target, async (conn) => {
    const session = { conn, requests: 0 };
    let outcome = await readCategory(session, surveyUnitIds[0], readDeviceIdCodes.basic, {});
    // Only an exception moves on to the next unit id: silence or garbage would be the same there.
    for (const unitId of surveyUnitIds.slice(1)) {
      if (outcome.status !== 'success' || outcome.result.identification === 'answered') break;
      outcome = await readCategory(session, unitId, readDeviceIdCodes.basic, {});
    }
    if (outcome.status !== 'success' || outcome.result.identification !== 'answered') return outcome;
    if (!offersRegular(outcome.result.conformityLevel ?? 0)) return outcome;
    const regular = await readCategory(session, outcome.result.unitId ?? 0, readDeviceIdCodes.regular, outcome.result);
    // The basic objects stand even if the regular ones fail: the identity was read.
    return regular.status === 'success' && regular.result.identification === 'answered' ? regular : outcome;
  });
}

interface Session {
  conn: Connection;
  requests: number;
}

/** One category by stream access, following "more follows" from the next object id. */
async function readCategory(session: Session, unitId: number, code: ReadDeviceIdCode, known: Partial<ModbusResult>): Promise<GrabOutcome<ModbusResult>> {
  const result: Partial<ModbusResult> = { ...known };
  let objectId: number = code === readDeviceIdCodes.basic ? deviceIdObjects.vendorName : deviceIdObjects.vendorUrl;
  while (session.requests < maxRequests) {
    const asked = await ask(session, unitId, code, objectId);
    if ('status' in asked) return { ...asked, result };
    const { answer } = asked;
    if (answer.kind === 'exception') {
      // An exception after objects were read keeps them: the identity stands.
      if (result.identification === 'answered') return { status: 'success', result };
      return { status: 'success', result: { identification: 'exception', unitId, exceptionCode: answer.exceptionCode } };
    }
    Object.assign(result, { identification: 'answered', unitId, conformityLevel: answer.conformityLevel });
    for (const object of answer.objects) {
      const field = fieldOfObject.get(object.id);
      if (field && object.value !== '') Object.assign(result, { [field]: object.value });
    }
    // A next object id that does not move forward would ask the same thing again.
    if (!answer.moreFollows || answer.nextObjectId <= objectId) return { status: 'success', result };
    objectId = answer.nextObjectId;
  }
  return { status: 'success', result };
}

async function ask(
  session: Session,
  unitId: number,
  code: ReadDeviceIdCode,
  objectId: number,
): Promise<{ answer: ModbusAnswer } | { status: GrabOutcome['status']; error?: string }> {
  session.requests++;
  const transactionId = randomInt(1, 0x10000);
  await session.conn.write(encodeReadDeviceId({ transactionId, unitId, code, objectId }));
  const read = await session.conn.readUntil((bytes) => decodeFrame(bytes).state !== 'incomplete');
  const decoded = decodeFrame(read.data);
  if (decoded.state === 'invalid') return { status: 'protocol-error', error: decoded.reason };
  if (decoded.state === 'incomplete') {
    const ended = endedBefore(read, 'a Modbus answer');
    return { status: ended.status, ...(ended.error ? { error: ended.error } : {}) };
  }
  if (decoded.answer.transactionId !== transactionId) return { status: 'protocol-error', error: `transaction id ${decoded.answer.transactionId}, not ours` };
  return { answer: decoded.answer };
}
