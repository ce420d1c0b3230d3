/**
 * A fuzz target for a network decoder: what a device sends is untrusted, so the decoder must
 * return its verdict ("invalid", "incomplete", undefined) and never throw.
 */
import type { FuzzTarget } from '../target.ts';

export function protocolTarget(
  name: string,
  about: string,
  seeds: () => Buffer[],
  run: (input: Buffer) => unknown,
  refusal?: FuzzTarget['refusal'],
): FuzzTarget {
  return { name: `protocol-${name}`, about, contract: 'never', seeds, run: (input) => run(input), ...(refusal ? { refusal } : {}) };
}

export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
export const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
