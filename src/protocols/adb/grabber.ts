import type { Target } from '../../core/records.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { adbAuthType, adbCommand, commandName, connectMessage, decodeMessage, parseBanner } from './codec.ts';

/**
 * What an ADB grab records. `state` says how the device answered our CNXN: `open` (it sent its
 * own CNXN: anyone may run a shell on it), `auth-required` (an AUTH token to sign),
 * `tls-required` (STLS: wireless debugging, paired hosts only).
 */
export type AdbResult = {
  state: 'open' | 'auth-required' | 'tls-required';
  /** Protocol version the device announced (CNXN, STLS). */
  version?: number;
  /** Largest message data the device accepts (CNXN). */
  maxData?: number;
  /** The banner's system type: device, recovery, sideload, … (CNXN). */
  systemType?: string;
  productName?: string;
  productModel?: string;
  productDevice?: string;
  features?: string[];
};

/**
 * Send CNXN, read the one reply, close at once: never an OPEN, so no shell and no service is
 * ever started on the device, whatever it answered.
 * @example const outcome = await grabAdb(ctx, { ip: '192.0.2.1', port: 5555 }) // outcome.result.state === 'open'
 */
export function grabAdb(ctx: GrabContext, target: Target): Promise<GrabOutcome<AdbResult>> {
  return grabOver(ctx, target, async (conn) => {
    await conn.write(connectMessage());
    const read = await conn.readUntil((bytes) => decodeMessage(bytes).state !== 'incomplete');
    const decoded = decodeMessage(read.data);
    if (decoded.state === 'invalid') return { status: 'protocol-error', result: {}, error: decoded.reason };
    if (decoded.state === 'incomplete') return endedBefore(read, 'an ADB reply');
    const { message } = decoded;
    switch (message.command) {
      case adbCommand.CNXN: {
        const banner = parseBanner(message.data);
        const { 'ro.product.name': productName, 'ro.product.model': productModel, 'ro.product.device': productDevice } = banner.properties;
        return {
          status: 'success',
          result: {
            state: 'open',
            version: message.arg0,
            maxData: message.arg1,
            systemType: banner.systemType,
            ...(productName ? { productName } : {}),
            ...(productModel ? { productModel } : {}),
            ...(productDevice ? { productDevice } : {}),
            features: banner.features,
          },
        };
      }
      case adbCommand.AUTH:
        if (message.arg0 !== adbAuthType.token) return { status: 'protocol-error', result: {}, error: `AUTH of type ${message.arg0}, not a token` };
        return { status: 'success', result: { state: 'auth-required' } };
      case adbCommand.STLS:
        return { status: 'success', result: { state: 'tls-required', version: message.arg0 } };
      default:
        return { status: 'protocol-error', result: {}, error: `${commandName(message.command)} in answer to CNXN` };
    }
  });
}
