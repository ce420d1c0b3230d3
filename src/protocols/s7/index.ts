/**
 * Siemens S7 communication (ISO-on-TCP, 102), the engineering and HMI protocol of SIMATIC
 * PLCs: a CPU reachable from the internet can be reprogrammed or stopped by anyone who speaks
 * it. The grab asks only what the CPU says about itself — the module and component
 * identification lists (SZL 0x0011, 0x001C) — after the connection set-up every S7 client
 * must do. It never reads or writes process data, never starts, stops or uploads anything.
 */
import type { Target } from '../../core/records.ts';
import { defineProtocol, type ProtocolDetection } from '../protocol.ts';
import { cotpType, decodeCotp, decodeTpkt, encodeConnectionRequest } from './codec.ts';
import { destinationTsaps, grabS7, type S7Result } from './grabber.ts';

/**
 * The COTP connection request the grab starts with; the reply is S7's when it confirms the
 * connection and echoes TSAPs, or refuses the TSAP with a COTP disconnect request. RDP also answers a COTP request with a confirm, but without
 * TSAP parameters, so it is not taken for S7.
 */
const detect: ProtocolDetection = {
  probe: {
    request: (_target: Target) => encodeConnectionRequest(destinationTsaps[0]!),
    matches(reply) {
      const frame = decodeTpkt(reply);
      if (frame.state !== 'complete') return false;
      const cotp = decodeCotp(frame.payload);
      // A CPU in another slot refuses the TSAP with a disconnect request: still ISO-on-TCP's answer, the grab tries the next TSAP.
      if (cotp?.type === cotpType.disconnectRequest) return frame.payload.length >= 7;
      if (!cotp || cotp.type !== cotpType.connectionConfirm) return false;
      const header = frame.payload.subarray(7, frame.payload[0]! + 1);
      return header.includes(0xc1) || header.includes(0xc2);
    },
  },
};

export default defineProtocol<S7Result>({
  name: 's7',
  description: 'Siemens S7 PLC (ISO-on-TCP); anyone reaching it can reprogram or stop the CPU — only its identification lists are read',
  transport: 'tcp',
  defaultPorts: [102],
  fields: {
    destinationTsap: 'number',
    pduLength: 'number',
    orderNumber: 'text',
    hardwareVersion: 'text',
    firmwareVersion: 'text',
    plcName: 'text',
    moduleName: 'text',
    plantIdentification: 'text',
    copyright: 'text',
    serialNumber: 'text',
    moduleType: 'text',
    location: 'text',
    szlError: 'text',
  },
  fieldNotes: {
    destinationTsap: 'the TSAP the CPU accepted: 258 (0x0102, rack 0 slot 2) or 257 (0x0101, slot 1)',
    orderNumber: 'SZL 0x0011: the module’s order number, e.g. `6ES7 214-1AG40-0XB0`',
    firmwareVersion: 'SZL 0x0011: the firmware, Siemens’s spelling, e.g. `V4.2.3`',
    plcName: 'SZL 0x001C: the PLC name its owner gave',
    moduleType: 'SZL 0x001C: the module type name, e.g. `CPU 1214C DC/DC/DC`',
    copyright: 'SZL 0x001C: `Original Siemens Equipment` on Siemens CPUs',
    szlError: 'why an identification list could not be read',
  },
  detect,
  grab: grabS7,
});
