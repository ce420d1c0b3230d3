/**
 * The bytes of a record that straddles two chunks, kept in one reused, growable buffer. The
 * container parser completes such a record by appending just the missing bytes of the next
 * chunk, so whole chunks are never copied or concatenated.
 */

export class CarryBuffer {
  private bytes: Buffer = Buffer.allocUnsafe(4096);
  /** Bytes held. */
  length = 0;

  /** The held bytes (a view, valid until the next change). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /**
   * Appends `source[from..from+count)`.
   * @example carry.append(chunk, 0, 12)
   */
  append(source: Uint8Array, from: number, count: number): void {
    if (this.length + count > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.length + count, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.bytes.set(source.subarray(from, from + count), this.length);
    this.length += count;
  }

  /** Forgets the first `count` bytes. */
  consume(count: number): void {
    if (count >= this.length) {
      this.length = 0;
      return;
    }
    this.bytes.copyWithin(0, count, this.length);
    this.length -= count;
  }

  clear(): void {
    this.length = 0;
  }
}
