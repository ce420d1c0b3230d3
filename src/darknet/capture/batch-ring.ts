/**
 * The shared-memory ring through which the decoding worker hands packet batches to the thread
 * that aggregates them (worker-reader.ts, decode-worker.ts). Slots are filled by the worker and
 * emptied by the reader strictly in turn; a slot's state word, changed with Atomics, says
 * whose it is. Rows are written in place, so nothing is copied or serialised per packet.
 */
import { rowFields, type PacketBatch } from '../packet.ts';

/** Four slots: the worker fills one while the reader drains another, with slack for jitter. */
export const ringSlots = 4;
/** Rows per slot (224 KiB of row memory each). */
export const slotRows = 8192;

/** Slot states. */
export const EMPTY = 0;
export const FULL = 1;

/** Slot flags. */
export const END_OF_CHUNK = 1;
/** The worker's last slot: no rows, its final message (stats or error) has been posted. */
export const DONE = 2;

/** Control words: word 0 asks the worker to stop; then per slot state, row count, flags, declined-frame count. */
const ABORT = 0;
const slotWords = 4;
const STATE = 0;
const COUNT = 1;
const FLAGS = 2;
const DECLINED = 3;

/** Atomics.waitAsync (ES2024, in Node since 16; the project's type library is ES2023). */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** The three shared buffers, as passed to the worker. */
export interface RingMemory {
  control: SharedArrayBuffer;
  times: SharedArrayBuffer;
  fields: SharedArrayBuffer;
}

/** A frame the batch declined (IPv6, not IP, …), decoded in the worker, and the row it follows. */
export interface DeclinedFrames<T> {
  kind: 'declined';
  /** Publication number of the slot the frames belong to (a check that messages and slots pair up). */
  sequence: number;
  /** rowsBefore[i]: rows of the slot that come before packets[i]. */
  rowsBefore: number[];
  packets: T[];
}

/**
 * Views of one ring (the same memory on both sides of the worker boundary).
 * @example const ring = new BatchRing(BatchRing.allocate()); ring.batch(0).count
 */
export class BatchRing {
  readonly memory: RingMemory;
  private readonly control: Int32Array;
  private readonly batches: PacketBatch[];

  static allocate(): RingMemory {
    return {
      control: new SharedArrayBuffer((1 + ringSlots * slotWords) * 4),
      times: new SharedArrayBuffer(ringSlots * slotRows * 8),
      fields: new SharedArrayBuffer(ringSlots * slotRows * rowFields * 4),
    };
  }

  constructor(memory: RingMemory) {
    this.memory = memory;
    this.control = new Int32Array(memory.control);
    const times = new Float64Array(memory.times);
    const fields = new Int32Array(memory.fields);
    this.batches = Array.from({ length: ringSlots }, (_, slot) => ({
      count: 0,
      capacity: slotRows,
      timeMicros: times.subarray(slot * slotRows, (slot + 1) * slotRows),
      fields: fields.subarray(slot * slotRows * rowFields, (slot + 1) * slotRows * rowFields),
    }));
  }

  /** The batch view over a slot's rows (its `count` is the writer's; readers use `rows()`). */
  batch(slot: number): PacketBatch {
    return this.batches[slot]!;
  }

  private word(slot: number, offset: number): number {
    return 1 + slot * slotWords + offset;
  }

  isFull(slot: number): boolean {
    return Atomics.load(this.control, this.word(slot, STATE)) === FULL;
  }

  rows(slot: number): number {
    return Atomics.load(this.control, this.word(slot, COUNT));
  }

  flags(slot: number): number {
    return Atomics.load(this.control, this.word(slot, FLAGS));
  }

  declined(slot: number): number {
    return Atomics.load(this.control, this.word(slot, DECLINED));
  }

  /** Writer: hands a filled slot over (the row writes happen-before the state change). */
  publish(slot: number, rows: number, flags: number, declined: number): void {
    Atomics.store(this.control, this.word(slot, COUNT), rows);
    Atomics.store(this.control, this.word(slot, FLAGS), flags);
    Atomics.store(this.control, this.word(slot, DECLINED), declined);
    Atomics.store(this.control, this.word(slot, STATE), FULL);
    Atomics.notify(this.control, this.word(slot, STATE));
  }

  /** Reader: gives a drained slot back. */
  release(slot: number): void {
    Atomics.store(this.control, this.word(slot, STATE), EMPTY);
    Atomics.notify(this.control, this.word(slot, STATE));
  }

  /** Writer: blocks (the worker may) until the slot is empty, at most `timeoutMs`; false on timeout. */
  waitEmpty(slot: number, timeoutMs: number): boolean {
    return Atomics.wait(this.control, this.word(slot, STATE), FULL, timeoutMs) !== 'timed-out' || !this.isFull(slot);
  }

  /** Reader: resolves once the slot is full or after `timeoutMs` (never blocks the thread). */
  async waitFull(slot: number, timeoutMs: number): Promise<void> {
    const waited = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.control, this.word(slot, STATE), EMPTY, timeoutMs);
    if (waited.async) await waited.value;
  }

  abort(): void {
    Atomics.store(this.control, ABORT, 1);
    for (let slot = 0; slot < ringSlots; slot++) Atomics.notify(this.control, this.word(slot, STATE));
  }

  get aborted(): boolean {
    return Atomics.load(this.control, ABORT) === 1;
  }
}
