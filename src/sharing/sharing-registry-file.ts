/**
 * The `sharing` section of the ISP registry file: recipients of anonymized shares, validated
 * field by field with file:line errors (CONFIG_INVALID). Format: docs/sharing.md.
 */
import { createFieldReader, parseDataFile, readDataFile, type DataFile, type DataPath } from '../core/data-file.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { findingKindsByUrgency, type FindingKind } from '../core/finding-kinds.ts';
import { aggregatedFormats, sharingDefaults, sharingFormats, sharingPolicies, type SharingFormat, type SharingRecipient } from './recipient.ts';
import { parseTlp, tlpLabels, type TlpLabel } from '../core/tlp.ts';

const recipientKeys = ['id', 'name', 'policy', 'maskIPv4', 'maskIPv6', 'kAnonymity', 'tlp', 'tlpByKind', 'formats', 'contact'] as const;
const idPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const emailPattern = /^[^\s@<>,;]+@[^\s@<>,;]+$/;

/** @example readSharingRecipients('examples/isps.yaml')[0]?.policy // 'masked' */
export function readSharingRecipients(file: string): SharingRecipient[] {
  return sharingRecipientsFromDataFile(readDataFile(file, 'CONFIG_INVALID'));
}

/** @example parseSharingRecipients('sharing:\n  - { id: cert, name: CERT, policy: full, formats: [misp], contact: a@b.example }', 'isps.yaml') */
export function parseSharingRecipients(text: string, file: string): SharingRecipient[] {
  return sharingRecipientsFromDataFile(parseDataFile(text, file, 'CONFIG_INVALID'));
}

/**
 * The recipient named `id`, or a USAGE error listing those there are.
 * @example recipientById(recipients, 'cert-a').policy
 */
export function recipientById(recipients: readonly SharingRecipient[], id: string): SharingRecipient {
  const recipient = recipients.find((candidate) => candidate.id === id);
  if (!recipient)
    throw new OpenNoticeError('USAGE', `no sharing recipient "${id}" (known: ${recipients.map((known) => known.id).join(', ') || 'none'})`, { recipient: id });
  return recipient;
}

export function sharingRecipientsFromDataFile(dataFile: DataFile): SharingRecipient[] {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const root = read.object(dataFile.data ?? {}, []);
  if (root.sharing === undefined) return [];
  const seen = new Set<string>();
  return read.list(root.sharing, ['sharing']).map((value, index) => {
    const path: DataPath = ['sharing', index];
    const entry = read.object(value, path);
    read.onlyKeys(entry, path, recipientKeys);
    const id = read.string(entry.id, [...path, 'id']);
    if (!idPattern.test(id)) read.fail([...path, 'id'], `"${id}" is not a valid id (lower-case letters, digits, ".", "_", "-"; at most 64)`);
    if (seen.has(id)) read.fail([...path, 'id'], `duplicate sharing recipient id "${id}"`);
    seen.add(id);
    const policy = read.oneOf(entry.policy, [...path, 'policy'], sharingPolicies);
    const whole = (field: 'maskIPv4' | 'maskIPv6' | 'kAnonymity', fallback: number, min: number, max: number) => {
      if (entry[field] === undefined) return fallback;
      const number = read.number(entry[field], [...path, field], { min, max });
      if (!Number.isInteger(number)) read.fail([...path, field], 'expected a whole number');
      return number;
    };
    const label = (raw: unknown, at: DataPath): TlpLabel => {
      const parsed = parseTlp(read.string(raw, at));
      if (!parsed) return read.fail(at, `expected a TLP 2.0 label (${tlpLabels.join(', ')}), got ${JSON.stringify(raw)}`);
      return parsed;
    };
    const tlp = entry.tlp === undefined ? sharingDefaults.tlp : label(entry.tlp, [...path, 'tlp']);
    if (tlp === 'RED') read.fail([...path, 'tlp'], 'TLP:RED is for the people in the room: it is never exported, so a recipient cannot be RED');
    const tlpByKind: Partial<Record<FindingKind, TlpLabel>> = {};
    if (entry.tlpByKind !== undefined) {
      const byKind = read.object(entry.tlpByKind, [...path, 'tlpByKind']);
      read.onlyKeys(byKind, [...path, 'tlpByKind'], findingKindsByUrgency);
      for (const [kind, raw] of Object.entries(byKind)) tlpByKind[kind as FindingKind] = label(raw, [...path, 'tlpByKind', kind]);
    }
    const formats = read.list(entry.formats, [...path, 'formats']).map((format, formatIndex) => {
      const chosen: SharingFormat = read.oneOf(format, [...path, 'formats', formatIndex], sharingFormats);
      if (policy === 'aggregated' && !aggregatedFormats.includes(chosen))
        read.fail([...path, 'formats', formatIndex], `${chosen} has one record per finding; an aggregated share can be ${aggregatedFormats.join(' or ')}`);
      return chosen;
    });
    if (formats.length === 0) read.fail([...path, 'formats'], 'name at least one format');
    const contact = read.string(entry.contact, [...path, 'contact']).trim();
    if (!emailPattern.test(contact)) read.fail([...path, 'contact'], `"${contact}" is not an e-mail address`);
    return {
      id,
      name: read.string(entry.name, [...path, 'name']),
      policy,
      maskIPv4: whole('maskIPv4', sharingDefaults.maskIPv4, 0, 31),
      maskIPv6: whole('maskIPv6', sharingDefaults.maskIPv6, 0, 127),
      kAnonymity: whole('kAnonymity', sharingDefaults.kAnonymity, 1, 1_000_000),
      tlp,
      tlpByKind,
      formats: [...new Set(formats)],
      contact,
    };
  });
}
