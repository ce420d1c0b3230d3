/**
 * The fuzzer's mutators. Every input is a pure function of (seed, target, index), so a failure
 * found at input 734,112 is reproduced by asking for that index again — no corpus to keep.
 * One input in four is a plain truncation of a seed, walking every length in turn; the others
 * stack one to four random mutations on a seed (or a splice of two).
 */
import { hashText } from '../../../src/core/random.ts';

/** Inputs never grow past this: the parsers' own limits are what is tested, not the heap. */
export const maxInputBytes = 1024 * 1024;

/** mulberry32: small, fast and good enough to choose mutations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const below = (random: Random, limit: number): number => Math.floor(random() * limit);

/** Values that sit at the edges length and count fields are checked against. */
const interestingIntegers = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
/** Text that trips number, address and structure parsers. */
const interestingTexts = [
  '',
  '-1',
  '0',
  '1e309',
  'NaN',
  '4294967296',
  '99999999999999999999',
  'null',
  '[]',
  '{}',
  '"',
  '\\',
  '\u0000',
  '\uFFFD',
  '::',
  '0.0.0.0/0',
  '255.255.255.255/33',
  '*a',
  '&a ',
  '!!binary ',
  '<![CDATA[',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '\r\n',
  '%',
];

function writeInteger(bytes: Buffer, random: Random): Buffer {
  const width = [1, 2, 4][below(random, 3)];
  if (bytes.length < width) return bytes;
  const at = below(random, bytes.length - width + 1);
  const value = interestingIntegers[below(random, interestingIntegers.length)] % 2 ** (8 * width);
  const out = Buffer.from(bytes);
  if (random() < 0.5) out.writeUIntBE(value, at, width);
  else out.writeUIntLE(value, at, width);
  return out;
}

function insertAt(bytes: Buffer, at: number, insert: Buffer, removed = 0): Buffer {
  return Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at + removed)]);
}

/** One mutation of `bytes`; `other` is a second seed for splicing. */
function mutateOnce(bytes: Buffer, other: Buffer, random: Random): Buffer {
  const at = below(random, bytes.length + 1);
  switch (below(random, 11)) {
    case 0: {
      const out = Buffer.from(bytes);
      for (let flips = 1 + below(random, 8); flips > 0 && out.length > 0; flips--) out[below(random, out.length)] ^= 1 << below(random, 8);
      return out;
    }
    case 1: {
      const out = Buffer.from(bytes);
      if (out.length > 0) out[below(random, out.length)] = [0, 0xff, 0x7f, 0x80, below(random, 256)][below(random, 5)];
      return out;
    }
    case 2: {
      const insert = Buffer.alloc(1 + below(random, 16));
      for (let i = 0; i < insert.length; i++) insert[i] = below(random, 256);
      return insertAt(bytes, at, insert);
    }
    case 3:
      return insertAt(bytes, at, Buffer.alloc(0), 1 + below(random, 32));
    case 4: {
      const length = 1 + below(random, 64);
      return insertAt(bytes, below(random, bytes.length + 1), Buffer.from(bytes.subarray(at, at + length)));
    }
    case 5:
      return bytes.subarray(0, below(random, bytes.length + 1));
    case 6:
      return Buffer.concat([bytes.subarray(0, at), other.subarray(below(random, other.length + 1))]);
    case 7:
    case 8:
      return writeInteger(bytes, random);
    case 9: {
      // A bomb: a short block repeated thousands of times (nesting, records, compression pointers).
      const block =
        bytes.length > 0 && random() < 0.7 ? bytes.subarray(at, at + 1 + below(random, 16)) : Buffer.from(['[', '{"a":', '- ', '(', '<a>'][below(random, 5)]);
      const times = Math.min(1 << (4 + below(random, 13)), Math.floor(maxInputBytes / 2 / Math.max(1, block.length)));
      return insertAt(bytes, below(random, bytes.length + 1), Buffer.alloc(block.length * times, block));
    }
    default: {
      // Replace a token (a run of letters, digits, dots) with a troublesome text.
      const text = Buffer.from(interestingTexts[below(random, interestingTexts.length)]);
      let end = at;
      while (end < bytes.length && end - at < 40 && /[\w.:/-]/.test(String.fromCharCode(bytes[end]))) end++;
      return insertAt(bytes, at, text, end - at);
    }
  }
}

/**
 * The `index`-th input for a target: the same (seed, target, index) always gives the same bytes.
 * @example const bytes = fuzzInput(seeds, { seed: 1, target: 'kev', index: 42 })
 */
export function fuzzInput(seeds: readonly Buffer[], where: { seed: number; target: string; index: number }): Buffer {
  const { index } = where;
  if (index % 4 === 0) return truncation(seeds, index / 4);
  const random = seededRandom(hashText(`${where.seed}/${where.target}/${index}`));
  let bytes = seeds[below(random, seeds.length)];
  const other = seeds[below(random, seeds.length)];
  for (let rounds = 1 + below(random, 4); rounds > 0; rounds--) bytes = mutateOnce(bytes, other, random);
  return bytes.length > maxInputBytes ? bytes.subarray(0, maxInputBytes) : bytes;
}

/** The n-th truncation: every length of every seed in turn (seed 0 at 0, 1, 2 … bytes, then seed 1 …), then again. */
function truncation(seeds: readonly Buffer[], n: number): Buffer {
  const total = seeds.reduce((sum, seed) => sum + seed.length + 1, 0);
  let rest = n % total;
  for (const seed of seeds) {
    if (rest <= seed.length) return seed.subarray(0, rest);
    rest -= seed.length + 1;
  }
  return Buffer.alloc(0);
}
