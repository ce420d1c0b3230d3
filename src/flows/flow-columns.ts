/**
 * The flows of one export datagram as numeric columns: what the decoders write and what the
 * aggregator reads, with no object and no address text per flow. The collector reuses one
 * batch for every datagram, so a consumer must copy what it keeps before it returns.
 * FlowRecord objects (canonical text addresses) are built from it only for consumers that ask.
 */
import type { FlowRecord } from './flow-record.ts';
import { formatIPv4 } from '../scope/ipv4.ts';
import { formatIPv6Groups } from '../scope/ipv6.ts';

/** Marks a flow whose export carried no TCP flags field (FlowRecord.tcpFlags absent). */
export const NO_TCP_FLAGS = -1;

const initialCapacity = 64;

export class FlowColumns {
  /** Flows in the batch. */
  count = 0;
  /** The exporter of every flow in the batch ("192.0.2.1/0" for v9/IPFIX: address and domain). */
  exporter = '';
  /** 4 or 6 per flow, for each address (a broken exporter may mix them). */
  sourceFamily = new Uint8Array(initialCapacity);
  destinationFamily = new Uint8Array(initialCapacity);
  /** Four words per flow, most significant first; an IPv4 address is word 0 alone (the others 0). */
  sourceWords = new Uint32Array(initialCapacity * 4);
  destinationWords = new Uint32Array(initialCapacity * 4);
  sourcePort = new Uint16Array(initialCapacity);
  destinationPort = new Uint16Array(initialCapacity);
  protocol = new Uint8Array(initialCapacity);
  /** 0–255, or NO_TCP_FLAGS. */
  tcpFlags = new Int16Array(initialCapacity);
  packets = new Float64Array(initialCapacity);
  bytes = new Float64Array(initialCapacity);
  startMs = new Float64Array(initialCapacity);
  endMs = new Float64Array(initialCapacity);

  /** Starts a new batch (the arrays are kept: the next datagram writes over them). */
  reset(exporter: string): void {
    this.count = 0;
    this.exporter = exporter;
  }

  /** Room for one more flow; returns its index. The decoders call it, then fill every column at that index. */
  claim(): number {
    if (this.count === this.sourceFamily.length) this.#grow();
    return this.count++;
  }

  /** Room for `flows` more; returns the index of the first (the decoder fills them all). */
  reserve(flows: number): number {
    while (this.count + flows > this.sourceFamily.length) this.#grow();
    const first = this.count;
    this.count += flows;
    return first;
  }

  /**
   * The batch as FlowRecords (fresh objects the caller may keep).
   * @example const records = columns.toRecords() // [{ exporter: '192.0.2.1/0', sourceAddress: '10.0.0.1', … }]
   */
  toRecords(): FlowRecord[] {
    const records: FlowRecord[] = new Array(this.count);
    for (let index = 0; index < this.count; index++) records[index] = this.record(index);
    return records;
  }

  record(index: number): FlowRecord {
    const flags = this.tcpFlags[index]!;
    const record: FlowRecord = {
      exporter: this.exporter,
      sourceAddress: addressText(this.sourceFamily[index]!, this.sourceWords, index * 4),
      destinationAddress: addressText(this.destinationFamily[index]!, this.destinationWords, index * 4),
      sourcePort: this.sourcePort[index]!,
      destinationPort: this.destinationPort[index]!,
      protocol: this.protocol[index]!,
      packets: this.packets[index]!,
      bytes: this.bytes[index]!,
      startMs: this.startMs[index]!,
      endMs: this.endMs[index]!,
    };
    if (flags !== NO_TCP_FLAGS) record.tcpFlags = flags;
    return record;
  }

  #grow(): void {
    const capacity = this.sourceFamily.length * 2;
    const grown = <T extends Uint8Array | Uint16Array | Uint32Array | Int16Array | Float64Array>(array: T, size: number): T => {
      const next = new (array.constructor as new (length: number) => T)(size);
      next.set(array);
      return next;
    };
    this.sourceFamily = grown(this.sourceFamily, capacity);
    this.destinationFamily = grown(this.destinationFamily, capacity);
    this.sourceWords = grown(this.sourceWords, capacity * 4);
    this.destinationWords = grown(this.destinationWords, capacity * 4);
    this.sourcePort = grown(this.sourcePort, capacity);
    this.destinationPort = grown(this.destinationPort, capacity);
    this.protocol = grown(this.protocol, capacity);
    this.tcpFlags = grown(this.tcpFlags, capacity);
    this.packets = grown(this.packets, capacity);
    this.bytes = grown(this.bytes, capacity);
    this.startMs = grown(this.startMs, capacity);
    this.endMs = grown(this.endMs, capacity);
  }
}

/**
 * RFC 5952 text of the IPv6 address in four words from `at`.
 * @example formatIPv6Words(Uint32Array.of(0x20010db8, 0, 0, 1), 0) // '2001:db8::1'
 */
export function formatIPv6Words(words: Uint32Array, at: number): string {
  const groups: number[] = [];
  for (let word = 0; word < 4; word++) groups.push(words[at + word]! >>> 16, words[at + word]! & 0xffff);
  return formatIPv6Groups(groups);
}

/** Canonical text of the address in four words from `at` (an IPv4 one in the first word). */
export function addressText(family: number, words: Uint32Array, at: number): string {
  return family === 4 ? formatIPv4(words[at]!) : formatIPv6Words(words, at);
}
