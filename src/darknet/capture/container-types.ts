/**
 * The container parser's contract with its callers: options, running statistics, the bulk
 * batch target, and the checkpoint another parser (the worker's) resumes from.
 */
import type { PacketBatch } from '../packet.ts';
import type { PcapngInterface } from './pcapng.ts';

export interface ContainerStats {
  /** Frames handed to the callback. */
  packets: number;
  /** Bytes of (decompressed) capture consumed. */
  bytes: number;
  /** Corrupt records/blocks skipped (skip mode only). */
  skipped: number;
  /** Byte offsets of the corrupt places met (skip mode only). */
  corruptAt: number[];
  /** Container format once sniffed. */
  format?: 'pcap' | 'pcapng';
}

export interface ContainerOptions {
  onCorrupt: 'throw' | 'skip';
  /** Named in error messages. */
  file: string;
}

/**
 * Bulk mode: IPv4 frames are decoded straight into `batch` (a direct call the compiler can
 * inline, where a per-frame callback could not be); `deliver` receives it when full, at
 * `flushBatch()`, and — so the order of packets is kept — before any frame the batch declines
 * is handed to `onFrame`, unless `declinedInline` says the target records where such frames
 * fall (`batch.count` at the time of the call).
 */
export interface BatchTarget {
  /** Where rows go; read again after each delivery (a target may hand out a fresh batch). */
  readonly batch: PacketBatch;
  deliver(batch: PacketBatch): void;
  readonly declinedInline?: boolean;
}

/**
 * Where another parser can take over (`ContainerParser.resume`): the file offset of the first
 * record not yet parsed, how far input was pushed, and what the file's headers said.
 */
export interface ParserCheckpoint {
  offset: number;
  pushed: number;
  state: 'pcap' | 'pcapng';
  littleEndian: boolean;
  pcapNano: boolean;
  pcapLinkType: number;
  pcapCaplenLimit: number;
  interfaces: PcapngInterface[];
  stats: ContainerStats;
}
