/**
 * Distinct reflectors of one attack in bounded memory: the first 8 addresses exactly, then a
 * HyperLogLog of 256 one-byte registers (the aggregator's sketch, ±6.5 %). A HyperLogLog
 * rather than a capped set with an overflow flag: it keeps counting past any cap in a fixed
 * 256 bytes, and two of them merge exactly (register by register maximum), so an attack split
 * over two captures counts the same reflectors as the whole capture read at once.
 */
import { exactLimit, mixHash, sketchAdd, sketchEstimate, sketchRegisters } from '../classify/distinct-sketch.ts';

export class ReflectorCount {
  private exact: number[] = [];
  private registers: Uint8Array | undefined;

  /** Count one reflector (IPv4 as an unsigned 32-bit number). */
  add(reflector: number): void {
    if (this.registers !== undefined) {
      sketchAdd(this.registers, 0, mixHash(reflector));
      return;
    }
    if (this.exact.includes(reflector)) return;
    if (this.exact.length < exactLimit) {
      this.exact.push(reflector);
      return;
    }
    this.registers = new Uint8Array(sketchRegisters);
    for (const known of this.exact) sketchAdd(this.registers, 0, mixHash(known));
    sketchAdd(this.registers, 0, mixHash(reflector));
    this.exact = [];
  }

  /** Distinct reflectors (exact up to 8, estimated beyond). */
  count(): number {
    return this.registers === undefined ? this.exact.length : Math.max(exactLimit + 1, Math.round(sketchEstimate(this.registers, 0)));
  }

  /** Add everything `other` counted: the result is what one count over both inputs holds. */
  merge(other: ReflectorCount): void {
    if (other.registers === undefined) {
      for (const reflector of other.exact) this.add(reflector);
      return;
    }
    if (this.registers === undefined) {
      const mine = this.exact;
      this.registers = other.registers.slice();
      this.exact = [];
      for (const reflector of mine) sketchAdd(this.registers, 0, mixHash(reflector));
      return;
    }
    for (let index = 0; index < sketchRegisters; index++) this.registers[index] = Math.max(this.registers[index]!, other.registers[index]!);
  }

  /**
   * The state as text: "e:" and the sorted addresses, or "h:" and the registers in base64.
   * @example const text = count.serialize(); ReflectorCount.parse(text).count() === count.count()
   */
  serialize(): string {
    if (this.registers !== undefined) return `h:${Buffer.from(this.registers).toString('base64')}`;
    return `e:${[...this.exact].sort((a, b) => a - b).join(',')}`;
  }

  /**
   * Read `serialize()`'s text back; undefined when it is not one.
   * @example ReflectorCount.parse('e:1,2,3')?.count() // 3
   */
  static parse(text: string): ReflectorCount | undefined {
    const count = new ReflectorCount();
    if (text.startsWith('h:')) {
      const registers = Buffer.from(text.slice(2), 'base64');
      if (registers.length !== sketchRegisters) return undefined;
      count.registers = new Uint8Array(registers);
      return count;
    }
    if (!text.startsWith('e:')) return undefined;
    const body = text.slice(2);
    const addresses = body === '' ? [] : body.split(',').map(Number);
    if (addresses.length > exactLimit || addresses.some((value) => !Number.isInteger(value) || value < 0 || value > 0xffffffff)) return undefined;
    for (const reflector of addresses) count.add(reflector);
    return count;
  }
}
