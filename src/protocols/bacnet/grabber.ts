import { randomInt } from 'node:crypto';
import type { Target } from '../../core/records.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { decodeAnswer, type DeviceProperty, deviceProperties, encodeReadProperty, type ReadPropertyAnswer } from './codec.ts';

/** What a BACnet grab records: the Device object's identity properties the device gave. */
export type BacnetResult = {
  /** The Device object instance the answers named (the wildcard is answered with the real one). */
  deviceInstance?: number;
  vendorName?: string;
  modelName?: string;
  firmwareRevision?: string;
  applicationSoftwareVersion?: string;
  objectName?: string;
  description?: string;
  location?: string;
  /** The first request was refused (Error, Reject or Abort): the device speaks BACnet but named nothing. */
  refusal?: string;
};

/** Asked in this order: the first is also the sweep's probe; the rest only when it was answered. */
const askedProperties: readonly DeviceProperty[] = [
  'vendorName',
  'modelName',
  'firmwareRevision',
  'applicationSoftwareVersion',
  'objectName',
  'description',
  'location',
];

/**
 * One confirmed ReadProperty per identity property of Device 4194303 (the wildcard every device
 * takes as itself), one datagram each, an answer awaited before the next. Only when the first
 * (vendor-name) is answered does the rest follow; a property the device lacks (an Error) is
 * skipped, silence ends the grab. ReadProperty reads; nothing is ever written, no object is
 * created, no device is told to do anything.
 * @example const { result } = await grabBacnet(ctx, { ip: '192.0.2.1', port: 47808 }) // result.vendorName
 */
export async function grabBacnet(ctx: GrabContext, target: Target): Promise<GrabOutcome<BacnetResult>> {
  const result: BacnetResult = {};
  for (const [index, property] of askedProperties.entries()) {
    const asked = await readProperty(ctx, target, property);
    if ('status' in asked) {
      // Later silence keeps what the first answers gave.
      if (index === 0) return { status: asked.status, result: {}, ...(asked.error ? { error: asked.error } : {}) };
      break;
    }
    const { answer } = asked;
    if (answer.kind !== 'value') {
      if (index === 0) return { status: 'success', result: { refusal: refusalText(answer) } };
      continue;
    }
    result.deviceInstance ??= answer.deviceInstance;
    if (answer.text) result[property] = answer.text;
  }
  return { status: 'success', result };
}

async function readProperty(
  ctx: GrabContext,
  target: Target,
  property: DeviceProperty,
): Promise<{ answer: ReadPropertyAnswer } | { status: GrabOutcome['status']; error?: string }> {
  const invokeId = randomInt(0, 0x100);
  const exchange = await ctx.query(target, encodeReadProperty(invokeId, deviceProperties[property]), { limits: { maxReplies: 1 } });
  let reason: string | undefined;
  for (const reply of exchange.replies) {
    const decoded = decodeAnswer(reply.data);
    if (decoded.state === 'invalid') reason = decoded.reason;
    else if (decoded.answer.invokeId !== invokeId) reason = `invoke id ${decoded.answer.invokeId}, not ours`;
    else if (decoded.answer.kind === 'value' && decoded.answer.propertyId !== deviceProperties[property])
      reason = `property ${decoded.answer.propertyId} in answer`;
    else return { answer: decoded.answer };
  }
  if (exchange.replies.length > 0) return { status: 'protocol-error', error: reason ?? 'no BACnet answer' };
  return { status: exchange.status, ...(exchange.error ? { error: exchange.error } : {}) };
}

function refusalText(answer: Exclude<ReadPropertyAnswer, { kind: 'value' }>): string {
  if (answer.kind === 'error') return `error class ${answer.errorClass ?? '?'} code ${answer.errorCode ?? '?'}`;
  return `${answer.kind} reason ${answer.reason}`;
}
