/**
 * A small writer for the MaxMind DB format (version 2), written from the public format
 * specification: a binary search tree over address bits, a 16-byte separator, a data
 * section of typed values, and a metadata map after the marker "\xAB\xCD\xEFMaxMind.com".
 *
 * Why it exists: to compare our prefix table with the `maxmind` reader on the very same data
 * (bench/attribution.ts), and to hand the routing data to tools that read MMDB. Input ranges
 * must not overlap (flatten first); each is split into CIDR blocks, each block one tree path.
 * Supported values: strings, numbers (uint32 when whole and in range, else double),
 * booleans, maps and arrays.
 */

export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export type MmdbRange = { first: number; last: number; record: MmdbValue } | { first: bigint; last: bigint; record: MmdbValue };

export interface MmdbWriterOptions {
  /** 4: a 32-level tree of IPv4 only. 6: a 128-level tree; IPv4 ranges go to ::a.b.c.d (::/96). */
  ipVersion: 4 | 6;
  databaseType: string;
  description?: string;
  /** Seconds since the epoch; default now. */
  buildEpoch?: number;
  /** Bits per tree record; default the smallest that can address the file (24, 28 or 32). */
  recordSize?: 24 | 28 | 32;
}

const separatorBytes = 16;
const metadataMarker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com', 'ascii')]);
const empty = -1;

/**
 * Build a whole MMDB file in memory.
 * @example
 * const file = writeMmdb([{ first: 0xc0000200, last: 0xc00002ff, record: { autonomous_system_number: 64500 } }], { ipVersion: 4, databaseType: 'opennotice-asn' });
 * // new maxmind.Reader(file).get('192.0.2.1') → { autonomous_system_number: 64500 }
 */
export function writeMmdb(ranges: Iterable<MmdbRange>, options: MmdbWriterOptions): Buffer {
  // Children per node: ≥ 0 another node, −1 empty, ≤ −2 data at offset (−value − 2).
  const left: number[] = [empty];
  const right: number[] = [empty];
  const data = createDataSection();

  const insert = (bitAt: (index: number) => number, length: number, dataRef: number) => {
    let node = 0;
    for (let index = 0; index < length; index++) {
      const children = bitAt(index) ? right : left;
      if (index === length - 1) {
        children[node] = dataRef;
        return;
      }
      let child = children[node]!;
      if (child === empty || child <= -2) {
        // A new node; if a wider block already ended here (overlapping input), both halves keep its data.
        left.push(child);
        right.push(child);
        child = left.length - 1;
        children[node] = child;
      }
      node = child;
    }
  };

  for (const range of ranges) {
    const dataRef = -2 - data.offsetOf(range.record);
    if (typeof range.first === 'number') {
      const offset = options.ipVersion === 4 ? 0 : 96;
      for (const block of ipv4Blocks(range.first, range.last as number)) {
        insert((index) => (index < offset ? 0 : (block.network >>> (31 - (index - offset))) & 1), block.length + offset, dataRef);
      }
    } else {
      if (options.ipVersion === 4) throw new Error('an IPv4 database cannot hold IPv6 ranges');
      for (const block of ipv6Blocks(range.first, range.last as bigint)) {
        insert((index) => Number((block.network >> BigInt(127 - index)) & 1n), block.length, dataRef);
      }
    }
  }

  const nodeCount = left.length;
  const dataBytes = data.bytes();
  const largest = nodeCount + separatorBytes + dataBytes.length;
  const recordSize = options.recordSize ?? (largest < 2 ** 24 ? 24 : largest < 2 ** 28 ? 28 : 32);
  if (largest >= 2 ** recordSize) throw new Error(`${recordSize}-bit records cannot address ${largest} (nodes + data)`);
  const record = (value: number) => (value >= 0 ? value : value === empty ? nodeCount : nodeCount + separatorBytes + (-value - 2));
  const tree = Buffer.alloc((nodeCount * recordSize * 2) / 8);
  for (let node = 0; node < nodeCount; node++) writeNode(tree, node, recordSize, record(left[node]!), record(right[node]!));

  const metadata = encodeValue({
    node_count: nodeCount,
    record_size: { uint16: recordSize },
    ip_version: { uint16: options.ipVersion },
    database_type: options.databaseType,
    languages: [],
    binary_format_major_version: { uint16: 2 },
    binary_format_minor_version: { uint16: 0 },
    build_epoch: { uint64: BigInt(options.buildEpoch ?? Math.floor(Date.now() / 1000)) },
    description: options.description ? { en: options.description } : {},
  });
  return Buffer.concat([tree, Buffer.alloc(separatorBytes), dataBytes, metadataMarker, metadata]);
}

function writeNode(tree: Buffer, node: number, recordSize: number, leftRecord: number, rightRecord: number): void {
  const at = (node * recordSize * 2) / 8;
  if (recordSize === 24) {
    tree.writeUIntBE(leftRecord, at, 3);
    tree.writeUIntBE(rightRecord, at + 3, 3);
  } else if (recordSize === 28) {
    tree.writeUIntBE(leftRecord & 0xffffff, at, 3);
    tree[at + 3] = (((leftRecord >>> 24) & 0x0f) << 4) | ((rightRecord >>> 24) & 0x0f);
    tree.writeUIntBE(rightRecord & 0xffffff, at + 4, 3);
  } else {
    tree.writeUInt32BE(leftRecord, at);
    tree.writeUInt32BE(rightRecord, at + 4);
  }
}

/** The data section: each distinct record written once, found again by its JSON text. */
function createDataSection() {
  const chunks: Buffer[] = [];
  const offsets = new Map<string, number>();
  let size = 0;
  return {
    offsetOf(record: MmdbValue): number {
      const key = JSON.stringify(record);
      let offset = offsets.get(key);
      if (offset === undefined) {
        const encoded = encodeValue(record);
        offset = size;
        offsets.set(key, offset);
        chunks.push(encoded);
        size += encoded.length;
      }
      return offset;
    },
    bytes: () => Buffer.concat(chunks),
  };
}

/** Explicit-width integers for metadata fields whose type the format fixes. */
type TypedInteger = { uint16: number } | { uint64: bigint };
type Encodable = MmdbValue | TypedInteger | Encodable[] | { [key: string]: Encodable };

const types = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11, boolean: 14 } as const;

function encodeValue(value: Encodable): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(types.string, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return control(types.boolean, value ? 1 : 0);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return unsigned(types.uint32, BigInt(value));
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(types.double, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(types.array, value.length), ...value.map(encodeValue)]);
  if ('uint16' in value && typeof value.uint16 === 'number') return unsigned(types.uint16, BigInt(value.uint16));
  if ('uint64' in value && typeof value.uint64 === 'bigint') return unsigned(types.uint64, value.uint64);
  const entries = Object.entries(value as { [key: string]: Encodable });
  return Buffer.concat([control(types.map, entries.length), ...entries.flatMap(([key, item]) => [encodeValue(key), encodeValue(item)])]);
}

/** An unsigned integer in as few big-endian bytes as it needs (zero takes none). */
function unsigned(type: number, value: bigint): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
}

/** The control byte(s): type in the top 3 bits (0 + an extra byte for extended types), then the size. */
function control(type: number, size: number): Buffer {
  const head: number[] = [];
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 285 + 65536) {
    sizeBits = 30;
    const rest = size - 285;
    extra.push(rest >>> 8, rest & 255);
  } else {
    sizeBits = 31;
    const rest = size - 65821;
    extra.push((rest >>> 16) & 255, (rest >>> 8) & 255, rest & 255);
  }
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.from([...head, ...extra]);
}

/** Split an IPv4 range into CIDR blocks, widest first at each step; /0 splits into two /1. */
function* ipv4Blocks(first: number, last: number): Generator<{ network: number; length: number }> {
  for (let start = first; start <= last; ) {
    let length = 32;
    while (length > 1) {
      const size = 2 ** (33 - length);
      if (start % size !== 0 || start + size - 1 > last) break;
      length--;
    }
    yield { network: start, length };
    start += 2 ** (32 - length);
  }
}

function* ipv6Blocks(first: bigint, last: bigint): Generator<{ network: bigint; length: number }> {
  for (let start = first; start <= last; ) {
    let length = 128;
    while (length > 1) {
      const size = 1n << BigInt(129 - length);
      if (start % size !== 0n || start + size - 1n > last) break;
      length--;
    }
    yield { network: start, length };
    start += 1n << BigInt(128 - length);
  }
}
