/**
 * EtherNet/IP (TCP 44818), the CIP transport of Rockwell, Omron and many drives, I/O and PLCs.
 * Its ListIdentity command names vendor, device type, product, revision and serial without a
 * session; that one command is all a survey sends.
 */
import { randomBytes } from 'node:crypto';
import { defineProtocol } from '../protocol.ts';
import { encodeListIdentity, isListIdentityReply } from './codec.ts';
import { type EnipResult, grabEnip } from './grabber.ts';

export default defineProtocol<EnipResult>({
  name: 'enip',
  description: 'EtherNet/IP (CIP) of PLCs, drives and I/O; its ListIdentity answer names the device without any session',
  transport: 'tcp',
  defaultPorts: [44818],
  fields: {
    vendorId: 'number',
    vendorName: 'text',
    deviceType: 'number',
    deviceTypeName: 'text',
    productCode: 'number',
    revision: 'text',
    serialNumber: 'text',
    productName: 'text',
    state: 'number',
  },
  fieldNotes: {
    vendorId: 'ODVA vendor id (1: Rockwell Automation/Allen-Bradley)',
    vendorName: 'the vendor id’s name, for the ids the project lists (src/protocols/enip/vendors.ts)',
    deviceType: 'CIP device type: 14 programmable logic controller, 12 communications adapter …',
    deviceTypeName: 'the device type’s name, for the types the project lists',
    revision: 'Identity revision as major.minor, minor with two digits: `20.11`',
    serialNumber: 'serial number, 8 hex digits',
    productName: 'Identity product name, e.g. `1756-L61/B LOGIX5561`',
    state: 'Identity state: 3 operational, 4/5 major fault …',
  },
  detect: { probe: { request: () => encodeListIdentity(randomBytes(8)), matches: isListIdentityReply } },
  grab: grabEnip,
});
