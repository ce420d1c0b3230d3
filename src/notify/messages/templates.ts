/**
 * The texts of notification e-mails are data (`en.yaml`, `ja.yaml` beside this file), so
 * a translator or an ISP can change wording without touching code. Each file is checked
 * at load time: every text present, no unknown field, each text using only the
 * placeholders its context supplies, one-line texts on one line. A mistake is a
 * CONFIG_INVALID error with file and line.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createFieldReader, readDataFile, type DataFile, type DataPath } from '../../core/data-file.ts';
import type { FindingKind } from '../../core/records.ts';
import { findingKind, findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { placeholdersOf } from './interpolate.ts';

export const messageLanguages = ['ja', 'en'] as const;
export type MessageLanguage = (typeof messageLanguages)[number];

/** The files an ISP e-mail can carry. */
export const attachmentFormats = ['csv', 'json', 'stix', 'intelmq', 'notices'] as const;
export type AttachmentFormat = (typeof attachmentFormats)[number];

export interface LanguageTemplates {
  language: MessageLanguage;
  /** Times are shown in this offset from UTC (Japan: 540) with these patterns. */
  time: { offsetMinutes: number; dateTime: string; date: string };
  /** How a device is named in a notice: with its vendor/model, or without. */
  device: { named: string; unnamed: string };
  kindNames: Record<FindingKind, string>;
  formats: Record<AttachmentFormat, string>;
  /** The e-mail to the ISP. */
  cover: { subject: string; body: string; kindLine: string; attachmentLine: string };
  /** The text the ISP forwards to a subscriber, one per address. */
  notice: { header: string; subject: string; opening: string; closing: string; kinds: Record<FindingKind, { title: string; body: string }> };
}

export type MessageTemplates = Record<MessageLanguage, LanguageTemplates>;

/** Directory of the shipped texts. */
export const defaultMessagesDirectory = path.dirname(fileURLToPath(import.meta.url));

const timeParts = ['year', 'month', 'day', 'month2', 'day2', 'hour', 'minute'];

/** What each text may use. `multiLine` texts may span lines; the others must not. */
const contexts = {
  'time.dateTime': { placeholders: timeParts },
  'time.date': { placeholders: timeParts },
  'device.named': { placeholders: ['name'] },
  'device.unnamed': { placeholders: [] },
  kindName: { placeholders: [] },
  format: { placeholders: [] },
  'cover.subject': { placeholders: ['program', 'isp', 'total', 'addresses', 'periodStart', 'periodEnd', 'reportId'] },
  'cover.body': {
    placeholders: [
      'program',
      'isp',
      'total',
      'addresses',
      'periodStart',
      'periodEnd',
      'kindCounts',
      'attachments',
      'reportId',
      'generatedAt',
      'contact',
      'programUrl',
    ],
    multiLine: true,
  },
  'cover.kindLine': { placeholders: ['kindName', 'count'] },
  'cover.attachmentLine': { placeholders: ['filename', 'description'] },
  'notice.header': { placeholders: ['ip', 'time', 'subject', 'count'], multiLine: true },
  'notice.subject': { placeholders: ['program', 'isp'] },
  'notice.opening': { placeholders: ['program', 'isp', 'ip'], multiLine: true },
  'notice.closing': { placeholders: ['program', 'isp', 'programUrl', 'contact'], multiLine: true },
  'kind.title': { placeholders: [] },
  'kind.body': { placeholders: ['time', 'device', 'ip', 'adviceUrl', 'program', 'isp'], multiLine: true },
} satisfies Record<string, { placeholders: string[]; multiLine?: boolean }>;

type Context = keyof typeof contexts;

/**
 * Placeholders each kind of text may use (docs/notification-formats.md prints this table).
 * @example allowedPlaceholders('notice.subject') // ['program', 'isp']
 */
export function allowedPlaceholders(context: Context): readonly string[] {
  return contexts[context].placeholders as readonly string[];
}

/**
 * Validate one language file.
 * @example parseLanguageTemplates(parseDataFile(text, 'en.yaml', 'CONFIG_INVALID'))
 */
export function parseLanguageTemplates(dataFile: DataFile): LanguageTemplates {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const text = (value: unknown, at: DataPath, context: Context): string => {
    const template = read.string(value, at).replace(/\r\n?/g, '\n');
    const placeholders: readonly string[] = contexts[context].placeholders;
    for (const name of placeholdersOf(template)) {
      if (!placeholders.includes(name))
        read.fail(at, `unknown placeholder {${name}} (this text may use: ${placeholders.map((known) => `{${known}}`).join(' ') || 'none'})`);
    }
    const multiLine = 'multiLine' in contexts[context] && contexts[context].multiLine;
    // Leading blanks are kept: list lines indent with them.
    const trimmed = template.trimEnd();
    if (!multiLine && trimmed.includes('\n')) read.fail(at, 'must be a single line');
    return trimmed;
  };
  const section = (value: unknown, at: DataPath, keys: readonly string[]) => {
    const object = read.object(value, at);
    read.onlyKeys(object, at, keys);
    for (const key of keys) if (object[key] === undefined) read.fail([...at, key], `missing "${key}"`);
    return object;
  };

  /** A section whose entries may be left out (then the kind's own words from the list of kinds are used). */
  const optionalEntries = (value: unknown, at: DataPath, keys: readonly string[]) => {
    const object = read.object(value, at);
    read.onlyKeys(object, at, keys);
    return object;
  };

  const root = section(dataFile.data, [], ['language', 'time', 'device', 'kindNames', 'formats', 'cover', 'notice']);
  const language = read.oneOf(root.language, ['language'], messageLanguages);
  const time = section(root.time, ['time'], ['offsetMinutes', 'dateTime', 'date']);
  const device = section(root.device, ['device'], ['named', 'unnamed']);
  const kindNames = optionalEntries(root.kindNames, ['kindNames'], findingKindsByUrgency);
  const formats = section(root.formats, ['formats'], attachmentFormats);
  const cover = section(root.cover, ['cover'], ['subject', 'body', 'kindLine', 'attachmentLine']);
  const notice = section(root.notice, ['notice'], ['header', 'subject', 'opening', 'closing', 'kinds']);
  const kinds = optionalEntries(notice.kinds, ['notice', 'kinds'], findingKindsByUrgency);
  const words = (kind: FindingKind) => findingKind(kind)!;
  return {
    language,
    time: {
      offsetMinutes: read.number(time.offsetMinutes, ['time', 'offsetMinutes'], { min: -720, max: 840 }),
      dateTime: text(time.dateTime, ['time', 'dateTime'], 'time.dateTime'),
      date: text(time.date, ['time', 'date'], 'time.date'),
    },
    device: { named: text(device.named, ['device', 'named'], 'device.named'), unnamed: text(device.unnamed, ['device', 'unnamed'], 'device.unnamed') },
    kindNames: Object.fromEntries(
      findingKindsByUrgency.map((kind) => [
        kind,
        kindNames[kind] === undefined ? words(kind).label[language] : text(kindNames[kind], ['kindNames', kind], 'kindName'),
      ]),
    ) as Record<FindingKind, string>,
    formats: Object.fromEntries(attachmentFormats.map((format) => [format, text(formats[format], ['formats', format], 'format')])) as Record<
      AttachmentFormat,
      string
    >,
    cover: {
      subject: text(cover.subject, ['cover', 'subject'], 'cover.subject'),
      body: text(cover.body, ['cover', 'body'], 'cover.body'),
      kindLine: text(cover.kindLine, ['cover', 'kindLine'], 'cover.kindLine'),
      attachmentLine: text(cover.attachmentLine, ['cover', 'attachmentLine'], 'cover.attachmentLine'),
    },
    notice: {
      header: text(notice.header, ['notice', 'header'], 'notice.header'),
      subject: text(notice.subject, ['notice', 'subject'], 'notice.subject'),
      opening: text(notice.opening, ['notice', 'opening'], 'notice.opening'),
      closing: text(notice.closing, ['notice', 'closing'], 'notice.closing'),
      kinds: Object.fromEntries(
        findingKindsByUrgency.map((kind) => {
          const at = ['notice', 'kinds', kind];
          // A kind without its own text gets its name and the advice from the list of kinds.
          if (kinds[kind] === undefined)
            return [kind, { title: `* ${words(kind).shortLabel[language]}`, body: `${words(kind).advice[language]}\n{adviceUrl}` }];
          const entry = section(kinds[kind], at, ['title', 'body']);
          return [kind, { title: text(entry.title, [...at, 'title'], 'kind.title'), body: text(entry.body, [...at, 'body'], 'kind.body') }];
        }),
      ) as Record<FindingKind, { title: string; body: string }>,
    },
  };
}

/**
 * Load `ja.yaml` and `en.yaml` from a directory (default: the shipped texts). Each file's
 * `language` must match its name.
 * @example const templates = loadMessageTemplates(); renderEmail(report, { templates })
 */
export function loadMessageTemplates(directory: string = defaultMessagesDirectory): MessageTemplates {
  const entries = messageLanguages.map((language) => {
    const dataFile = readDataFile(path.join(directory, `${language}.yaml`), 'CONFIG_INVALID');
    const templates = parseLanguageTemplates(dataFile);
    if (templates.language !== language)
      throw dataFile.errorAt('CONFIG_INVALID', ['language'], `file ${language}.yaml declares language "${templates.language}"`);
    return [language, templates] as const;
  });
  return Object.fromEntries(entries) as MessageTemplates;
}
