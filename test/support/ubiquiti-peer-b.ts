/**
 * A Ubiquiti discovery reply shaped as public descriptions of the protocol give it: version 1,
 * command 0, the length of the fields, then type (1 byte), length (2 bytes), value.
 */

/**
 * @example discoveryReply([[0x0b, Buffer.from('garage-ap')]])
 */
export function discoveryReply(fields: ReadonlyArray<readonly [number, Buffer]>): Buffer {
  const body = Buffer.concat(fields.map(([type, value]) => Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 0xff]), value])));
  return Buffer.concat([Buffer.from([0x01, 0x00, body.length >> 8, body.length & 0xff]), body]);
}

/** What a NanoStation M2 answers, field by field. */
export const nanoStationFields: ReadonlyArray<readonly [number, Buffer]> = [
  [0x02, Buffer.from('0418d6a1b2c3c0000214', 'hex')], // MAC and 192.0.2.20
  [0x01, Buffer.from('0418d6a1b2c3', 'hex')],
  [0x0a, Buffer.from('00015180', 'hex')], // one day
  [0x0b, Buffer.from('rooftop-nsm2')],
  [0x0c, Buffer.from('N2N')],
  [0x0d, Buffer.from('village-link')],
  [0x0e, Buffer.from([0x03])],
  [0x03, Buffer.from('XM.ar7240.v6.1.7.32555.180523.1649')],
  [0x10, Buffer.from('e202', 'hex')],
  [0x14, Buffer.from('NanoStation M2')],
  [0x02, Buffer.from('0418d6a1b2c3c6336401', 'hex')], // a second interface, 198.51.100.1
];
