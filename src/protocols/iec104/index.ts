/**
 * IEC 60870-5-104 (2404), the telecontrol protocol of substations, pipelines and water works:
 * a station that takes a connection from anyone takes commands from anyone, since 104 has no
 * authentication of its own. The grab sends one link-test frame (TESTFR act) and reads the
 * confirmation; it never sends STARTDT, so the station never starts sending its measurements,
 * and never an I-format frame, so no command or interrogation ever reaches it.
 */
import type { Target } from '../../core/records.ts';
import { defineProtocol, type ProtocolDetection } from '../protocol.ts';
import { decodeApdu, encodeTestFrame, uFunction } from './codec.ts';
import { grabIec104, type Iec104Result } from './grabber.ts';

/**
 * Volunteered bytes that are whole APDUs and nothing else (a station announcing its
 * initialisation on connect) are IEC 104; the exact framing keeps text banners out. Otherwise
 * the link test: a reply whose first frame is a well-formed TESTFR con is IEC 104.
 */
const detect: ProtocolDetection = {
  banner(bytes) {
    let rest = bytes;
    while (rest.length > 0) {
      const decoded = decodeApdu(rest);
      if (decoded.state !== 'complete') return false;
      rest = rest.subarray(decoded.length);
    }
    return bytes.length > 0;
  },
  probe: {
    request: (_target: Target) => encodeTestFrame(),
    matches(reply) {
      const decoded = decodeApdu(reply);
      return decoded.state === 'complete' && decoded.apdu.format === 'U' && decoded.apdu.function === uFunction.testfrCon;
    },
  },
};

export default defineProtocol<Iec104Result>({
  name: 'iec104',
  description: 'IEC 60870-5-104 telecontrol station (substations, water, gas); unauthenticated by design — only a link test is sent',
  transport: 'tcp',
  defaultPorts: [2404],
  fields: {
    testConfirmed: 'boolean',
    unprompted: 'number',
    unpromptedFrames: 'text',
    firstAsduType: 'number',
    firstAsduCause: 'number',
    commonAddress: 'number',
  },
  fieldNotes: {
    testConfirmed: 'the station answered our TESTFR act with TESTFR con',
    unprompted: 'frames the station sent besides the confirmation',
    unpromptedFrames: 'their formats in order: `I`, `S`, `U:TESTFR-act` …',
    firstAsduType: 'type id of the first unasked ASDU (e.g. 100, interrogation)',
    commonAddress: 'common address (station address) of the first unasked ASDU',
  },
  detect,
  grab: grabIec104,
});
