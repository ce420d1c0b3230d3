/**
 * The incremental update between two versions of the RPZ as an `nsupdate` script: what BIND
 * applies to a dynamic zone (`allow-update`) without reloading the whole zone. It deletes the
 * records the new version no longer has, adds the new ones, and sets the SOA to the new
 * version's serial, all in one `send` (one atomic update). unbound has no dynamic update: it
 * takes the full zone file again (or transfers it from a primary that applied this script).
 */
import type { BlockIndicator } from './indicator.ts';
import { defaultRpzTtl, type RpzPolicy, type RpzRecord, rpzRecords, rpzSoaData } from './rpz-zone.ts';

export interface RpzUpdateOptions {
  origin: string;
  policy: RpzPolicy;
  fromSerial: number;
  toSerial: number;
  ttl?: number;
  /** An optional `server ADDRESS PORT` line, so the script can be piped to nsupdate as is. */
  server?: { address: string; port: number };
}

const recordKey = (record: RpzRecord) => `${record.owner} ${record.type} ${record.data}`;

/**
 * The nsupdate script turning version `from` into version `to`.
 * @example writeRpzUpdate(previous, current, { origin: 'rpz.opennotice', policy: { action: 'nxdomain' }, fromSerial: 1, toSerial: 2 })
 */
export function writeRpzUpdate(from: readonly BlockIndicator[], to: readonly BlockIndicator[], options: RpzUpdateOptions): string {
  const ttl = options.ttl ?? defaultRpzTtl;
  const before = new Map(rpzRecords(from, options.policy).map((record) => [recordKey(record), record]));
  const after = new Map(rpzRecords(to, options.policy).map((record) => [recordKey(record), record]));
  const absolute = (owner: string) => `${owner}.${options.origin}.`;
  const lines = [`; opennotice RPZ update from version ${options.fromSerial} to ${options.toSerial}`];
  if (options.server) lines.push(`server ${options.server.address} ${options.server.port}`);
  lines.push(`zone ${options.origin}.`);
  // The precondition (the exact SOA of the old version) makes BIND refuse the update unless the
  // zone is at the version the script was made from: a skipped or repeated update fails loudly.
  lines.push(`prereq yxrrset ${options.origin}. SOA ${rpzSoaData(options.fromSerial, ttl)}`);
  for (const [key, record] of before) if (!after.has(key)) lines.push(`update delete ${absolute(record.owner)} ${record.type} ${record.data}`);
  for (const [key, record] of after) if (!before.has(key)) lines.push(`update add ${absolute(record.owner)} ${ttl} ${record.type} ${record.data}`);
  lines.push(`update add ${options.origin}. ${ttl} SOA ${rpzSoaData(options.toSerial, ttl)}`);
  lines.push('send');
  return `${lines.join('\n')}\n`;
}
