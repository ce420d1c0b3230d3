/**
 * Name-based UUIDs (RFC 9562 version 5, SHA-1), for identifiers that must come out the
 * same every time the same thing is rendered.
 */
import { createHash } from 'node:crypto';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @example uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org') // '886313e1-3b8a-5372-9b90-0c9aee199e5d'
 */
export function uuidV5(namespace: string, name: string): string {
  if (!uuidPattern.test(namespace)) throw new TypeError(`not a UUID: ${namespace}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
