/**
 * A device's NTP daemon as the control and private modes show it: mode 6 READVAR (RFC 1305
 * Appendix B, still answered by ntpd and ntpsec) with the system variables, and — on old ntpd
 * builds with monitoring on — mode 7 MON_GETLIST_1 ("monlist", ntpd's private protocol), which
 * answers an 8-byte request with up to 100 packets: the textbook amplifier (CVE-2013-5211).
 */

export interface NtpPersona {
  /** ntpd's version string, e.g. "ntpd 4.2.6p5@1.2349-o Fri Jul 22 17:30:52 UTC 2016 (1)". */
  version: string;
  system: string;
  processor: string;
  stratum: number;
  /** Recent clients the monitor list holds; 0 = monitoring off (no mode 7 answer). */
  monitorEntries: number;
}

const modeControl = 6;
const modePrivate = 7;
const opcodeReadVariables = 2;
const implementationXntpd = 3;
const requestMonGetList1 = 42;
const monitorItemSize = 72;
/** Items per mode 7 packet: as many 72-byte items as fit in ntpd's 500-byte data area. */
const itemsPerPacket = 6;

function systemVariables(persona: NtpPersona): Buffer {
  return Buffer.from(
    `version="${persona.version}", processor="${persona.processor}", system="${persona.system}", leap=0, stratum=${persona.stratum}, ` +
      'precision=-20, rootdelay=24.560, rootdisp=41.237, refid=192.0.2.123, reftime=0xe8f3a1b2.4c6a7e00, clock=0xe8f3a3c0.1d2b3c4d, ' +
      'peer=21340, tc=10, mintc=3, offset=0.482, frequency=-12.441, sys_jitter=1.204, clk_jitter=0.892, clk_wander=0.021',
    'latin1',
  );
}

function controlResponse(request: Buffer, persona: NtpPersona): Buffer {
  const data = systemVariables(persona);
  const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
  data.copy(padded);
  const header = Buffer.alloc(12);
  header[0] = (request[0]! & 0x38) | modeControl; // the request's version, mode 6
  header[1] = 0x80 | opcodeReadVariables; // response, no error, last fragment
  request.copy(header, 2, 2, 4); // sequence
  header.writeUInt16BE(0x0615, 4); // system status: leap none, NTP source, 1 event, last event 5
  header.writeUInt16BE(0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(data.length, 10);
  return Buffer.concat([header, padded]);
}

function monitorItem(index: number): Buffer {
  const item = Buffer.alloc(monitorItemSize);
  item.writeUInt32BE(64 + index, 0); // average interval
  item.writeUInt32BE(index * 3, 4); // last interval
  item.writeUInt32BE(0, 8); // restrictions
  item.writeUInt32BE(1 + index, 12); // packets seen
  item.writeUInt32BE(0xc6336400 + index, 16); // client address (198.51.100.x: documentation range)
  item.writeUInt32BE(0xc0000201, 20); // local address
  item.writeUInt16BE(123, 28);
  item[30] = 3; // client mode
  item[31] = 4; // client version
  return item;
}

function monitorList(request: Buffer, persona: NtpPersona): Buffer[] {
  const packets: Buffer[] = [];
  const total = persona.monitorEntries;
  for (let first = 0, sequence = 0; first < total; first += itemsPerPacket, sequence++) {
    const count = Math.min(itemsPerPacket, total - first);
    const more = first + count < total;
    const header = Buffer.alloc(8);
    header[0] = 0x80 | (more ? 0x40 : 0) | (request[0]! & 0x38) | modePrivate;
    header[1] = sequence & 0x7f;
    header[2] = implementationXntpd;
    header[3] = requestMonGetList1;
    header.writeUInt16BE(count & 0x0fff, 4); // no error, item count
    header.writeUInt16BE(monitorItemSize, 6);
    packets.push(Buffer.concat([header, ...Array.from({ length: count }, (_, offset) => monitorItem(first + offset))]));
  }
  return packets;
}

/**
 * The answers to one datagram: READVAR in mode 6, the monitor list in mode 7 when on, else nothing.
 * @example ntpResponses(Buffer.from([0x16, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]), persona).length // 1
 */
export function ntpResponses(request: Buffer, persona: NtpPersona): Buffer[] {
  if (request.length < 8) return [];
  const mode = request[0]! & 0x07;
  if (mode === modeControl && request.length >= 12 && (request[1]! & 0x9f) === opcodeReadVariables) return [controlResponse(request, persona)];
  if (mode === modePrivate && request[2] === implementationXntpd && request[3] === requestMonGetList1 && persona.monitorEntries > 0)
    return monitorList(request, persona);
  return [];
}
