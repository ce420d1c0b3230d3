/**
 * Export datagrams written by hand for the flow decoder tests and the benchmark: NetFlow v5,
 * v9 and IPFIX, each field laid out as its specification says, so a decoder bug cannot hide
 * behind an encoder that shares its code.
 */

/** A growing big-endian byte writer. */
export class ByteWriter {
  readonly #bytes: number[] = [];

  get length(): number {
    return this.#bytes.length;
  }

  u8(value: number): this {
    this.#bytes.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    return this.u8(value >>> 8).u8(value);
  }

  u32(value: number): this {
    return this.u16(Math.floor(value / 65536)).u16(value % 65536);
  }

  ipv4(text: string): this {
    for (const part of text.split('.')) this.u8(Number(part));
    return this;
  }

  raw(bytes: readonly number[] | Uint8Array): this {
    for (const byte of bytes) this.#bytes.push(byte);
    return this;
  }

  /** Overwrites a 16-bit value already written (set and message lengths). */
  patchU16(offset: number, value: number): void {
    this.#bytes[offset] = (value >>> 8) & 0xff;
    this.#bytes[offset + 1] = value & 0xff;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.#bytes);
  }
}

export interface TestFlow {
  source: string;
  destination: string;
  sourcePort: number;
  destinationPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  /** Milliseconds of exporter uptime. */
  firstUptimeMs: number;
  lastUptimeMs: number;
  tcpFlags?: number;
}

export interface ExportHeader {
  uptimeMs: number;
  unixSeconds: number;
}

/** A NetFlow v5 datagram (Cisco's format: 24-byte header, 48-byte records). */
export function netflowV5(header: ExportHeader, flows: readonly TestFlow[]): Buffer {
  const w = new ByteWriter().u16(5).u16(flows.length).u32(header.uptimeMs).u32(header.unixSeconds).u32(0).u32(1).u8(0).u8(0).u16(0);
  for (const flow of flows) {
    w.ipv4(flow.source).ipv4(flow.destination).ipv4('0.0.0.0').u16(1).u16(2);
    w.u32(flow.packets).u32(flow.bytes).u32(flow.firstUptimeMs).u32(flow.lastUptimeMs);
    w.u16(flow.sourcePort)
      .u16(flow.destinationPort)
      .u8(0)
      .u8(flow.tcpFlags ?? 0)
      .u8(flow.protocol)
      .u8(0);
    w.u16(0).u16(0).u8(24).u8(24).u16(0);
  }
  return w.toBuffer();
}

/** The IPv4 flow template both v9 and IPFIX tests use: (element id, length) pairs. */
export const ipv4FlowFields: ReadonlyArray<readonly [number, number]> = [
  [8, 4], // source IPv4
  [12, 4], // destination IPv4
  [7, 2], // source port
  [11, 2], // destination port
  [4, 1], // protocol
  [6, 1], // TCP flags
  [2, 4], // packets
  [1, 4], // bytes
  [22, 4], // first switched (uptime ms)
  [21, 4], // last switched
];

export function writeIpv4Flow(w: ByteWriter, flow: TestFlow): void {
  w.ipv4(flow.source)
    .ipv4(flow.destination)
    .u16(flow.sourcePort)
    .u16(flow.destinationPort)
    .u8(flow.protocol)
    .u8(flow.tcpFlags ?? 0);
  w.u32(flow.packets).u32(flow.bytes).u32(flow.firstUptimeMs).u32(flow.lastUptimeMs);
}

/** One flowset/set: id, then a body the callback writes; the length is patched in (with padding to 4 bytes). */
export function writeSet(w: ByteWriter, id: number, body: (w: ByteWriter) => void, pad = true): void {
  const start = w.length;
  w.u16(id).u16(0);
  body(w);
  while (pad && (w.length - start) % 4 !== 0) w.u8(0);
  w.patchU16(start + 2, w.length - start);
}

/** A NetFlow v9 datagram whose flowsets the callback writes. */
export function netflowV9(header: ExportHeader & { sourceId: number }, sets: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter().u16(9).u16(0).u32(header.uptimeMs).u32(header.unixSeconds).u32(1).u32(header.sourceId);
  sets(w);
  return w.toBuffer();
}

/** An IPFIX message whose sets the callback writes; the message length is patched in. */
export function ipfixMessage(header: { exportSeconds: number; domain: number }, sets: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter().u16(10).u16(0).u32(header.exportSeconds).u32(1).u32(header.domain);
  sets(w);
  w.patchU16(2, w.length);
  return w.toBuffer();
}

/** Template records: id, field count, then the fields (ids ≥ 0x8000 given with an enterprise number write it). */
export function writeTemplate(w: ByteWriter, templateId: number, fields: ReadonlyArray<readonly [number, number] | readonly [number, number, number]>): void {
  w.u16(templateId).u16(fields.length);
  for (const [id, length, enterprise] of fields) {
    w.u16(enterprise === undefined ? id : id | 0x8000).u16(length);
    if (enterprise !== undefined) w.u32(enterprise);
  }
}
