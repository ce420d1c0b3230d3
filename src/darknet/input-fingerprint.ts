/**
 * A capture file's identity for "was this already read?": sha256 over its size and its first
 * and last MiB. Hashing whole multi-gigabyte captures would double the cost of reading them;
 * captures that share size, head and tail are the same capture in practice.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';

const sampleBytes = 1024 * 1024;

/**
 * @example captureFingerprint('day1.pcap.gz') // { fingerprint: '9f2c…', bytes: 73400320 }
 */
export function captureFingerprint(file: string): { fingerprint: string; bytes: number } {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot open capture: ${(error as Error).message}`, { file }, { cause: error });
  }
  try {
    const bytes = fstatSync(descriptor).size;
    const hash = createHash('sha256').update(`${bytes}\n`);
    const buffer = Buffer.alloc(Math.min(sampleBytes, bytes));
    hash.update(buffer.subarray(0, readSync(descriptor, buffer, 0, buffer.length, 0)));
    if (bytes > sampleBytes) hash.update(buffer.subarray(0, readSync(descriptor, buffer, 0, buffer.length, Math.max(sampleBytes, bytes - sampleBytes))));
    return { fingerprint: hash.digest('hex'), bytes };
  } finally {
    closeSync(descriptor);
  }
}
