import { randomBytes } from 'node:crypto';
import type { Target } from '../../core/records.ts';
import { endedBefore, grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { decodeListIdentity, encodeListIdentity } from './codec.ts';
import { cipDeviceTypeNames, enipVendorNames } from './vendors.ts';

/** What an EtherNet/IP grab records: the device's CIP Identity as ListIdentity gave it. */
export type EnipResult = {
  vendorId: number;
  /** The vendor's name from ODVA's list (enip/vendors.ts), when the id is one we name. */
  vendorName?: string;
  deviceType: number;
  deviceTypeName?: string;
  productCode: number;
  /** "major.minor" of the Identity object's revision. */
  revision: string;
  /** The serial number as 8 hex digits. */
  serialNumber: string;
  productName: string;
  state?: number;
};

/**
 * One ListIdentity request, one reply, close. ListIdentity needs no session and reads the
 * Identity object only; no session is registered, no CIP service is ever sent.
 * @example const { result } = await grabEnip(ctx, { ip: '192.0.2.1', port: 44818 }) // result.productName
 */
export function grabEnip(ctx: GrabContext, target: Target): Promise<GrabOutcome<EnipResult>> {
  return grabOver(ctx, target, async (conn) => {
    await conn.write(encodeListIdentity(randomBytes(8)));
    const read = await conn.readUntil((bytes) => decodeListIdentity(bytes).state !== 'incomplete');
    const decoded = decodeListIdentity(read.data);
    if (decoded.state === 'invalid') return { status: 'protocol-error', result: {}, error: decoded.reason };
    if (decoded.state === 'incomplete') return endedBefore(read, 'a ListIdentity reply');
    // The sender context is not checked: on a connection of our own the reply can only be to our
    // request, and devices that zero the context instead of echoing it would be lost for nothing.
    const { identity } = decoded;
    const vendorName = enipVendorNames.get(identity.vendorId);
    const deviceTypeName = cipDeviceTypeNames.get(identity.deviceType);
    return {
      status: 'success',
      result: {
        vendorId: identity.vendorId,
        ...(vendorName ? { vendorName } : {}),
        deviceType: identity.deviceType,
        ...(deviceTypeName ? { deviceTypeName } : {}),
        productCode: identity.productCode,
        revision: `${identity.revisionMajor}.${String(identity.revisionMinor).padStart(2, '0')}`,
        serialNumber: identity.serialNumber.toString(16).padStart(8, '0'),
        productName: identity.productName,
        ...(identity.state === undefined ? {} : { state: identity.state }),
      },
    };
  });
}
