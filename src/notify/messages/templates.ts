/**
 * The texts of notification e-mails are data (`en.yaml`, `ja.yaml` beside this file), so
 * a translator or an ISP can change wording without touching code. Each file is checked
 * at load time: every text present, no unknown field, each text using only the
 * placeholders its context supplies, one-line texts on one line. A mistake is a
 * CONFIG_INVALID error with file and line.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createFieldReader, readDataFile, type DataFile, type DataPath } from '../../core/data-file.ts';
import type { FindingKind } from '../../core/records.ts';
import { findingKind, findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { loadDeviceAdvice, type DeviceAdviceTexts } from './device-advice.ts';
import { placeholdersOf } from './interpolate.ts';
import { defaultMessagesDirectory, messageLanguages, type MessageLanguage } from './languages.ts';

export { defaultMessagesDirectory, messageLanguages, type MessageLanguage } from './languages.ts';

/** The files an ISP e-mail can carry. */
export const attachmentFormats = ['csv', 'json', 'stix', 'intelmq', 'notices'] as const;
export type AttachmentFormat = (typeof attachmentFormats)[number];

/**
 * The protocols a reflector notice has its own advice for (the survey's protocol names);
 * `other` covers any protocol without an entry.
 */
export const reflectorProtocols = ['ssdp', 'snmp', 'ntp', 'dns', 'memcached', 'coap', 'wsd', 'mdns', 'ubiquiti', 'other'] as const;
export type ReflectorProtocol = (typeof reflectorProtocols)[number];

/** What a reflector notice says of one protocol: the service by a name a subscriber knows, and what to do. */
export interface ReflectorProtocolTexts {
  service: string;
  advice: string;
}

export interface LanguageTemplates {
  language: MessageLanguage;
  /** Times are shown in this offset from UTC (Japan: 540) with these patterns. */
  time: { offsetMinutes: number; dateTime: string; date: string };
  /** How a device is named in a notice: with its vendor/model, or without. */
  device: { named: string; unnamed: string };
  kindNames: Record<FindingKind, string>;
  formats: Record<AttachmentFormat, string>;
  /** The cover text's line for a reflector CSV of one Shadowserver report type. */
  reflectorCsv: string;
  /** The e-mail to the ISP. */
  cover: { subject: string; body: string; kindLine: string; attachmentLine: string };
  /** The text the ISP forwards to a subscriber, one per address. */
  notice: {
    header: string;
    subject: string;
    opening: string;
    closing: string;
    kinds: Record<FindingKind, { title: string; body: string }>;
    /** A reflector's section names its service and gives that protocol's advice. */
    reflector: Record<ReflectorProtocol, ReflectorProtocolTexts>;
  };
  /** The steps per device type × kind (device-advice-*.yaml); absent: notices give the kind's advice only. */
  deviceAdvice?: DeviceAdviceTexts;
}

export type MessageTemplates = Record<MessageLanguage, LanguageTemplates>;

const timeParts = ['year', 'month', 'day', 'month2', 'day2', 'hour', 'minute'];

/** What each text may use. `multiLine` texts may span lines; the others must not. */
const contexts = {
  'time.dateTime': { placeholders: timeParts },
  'time.date': { placeholders: timeParts },
  'device.named': { placeholders: ['name'] },
  'device.unnamed': { placeholders: [] },
  kindName: { placeholders: [] },
  format: { placeholders: [] },
  'formats.reflectorCsv': { placeholders: ['reportType', 'title', 'count'] },
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
  // The reflector section is written once per protocol found at the address.
  'reflector.title': { placeholders: ['service'] },
  'reflector.body': { placeholders: ['time', 'device', 'ip', 'adviceUrl', 'program', 'isp', 'service', 'amplification', 'advice'], multiLine: true },
  'reflector.service': { placeholders: [] },
  'reflector.advice': { placeholders: [], multiLine: true },
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
  const formats = optionalEntries(root.formats, ['formats'], [...attachmentFormats, 'reflectorCsv']);
  for (const format of attachmentFormats) if (formats[format] === undefined) read.fail(['formats', format], `missing "${format}"`);
  const cover = section(root.cover, ['cover'], ['subject', 'body', 'kindLine', 'attachmentLine']);
  const notice = optionalEntries(root.notice, ['notice'], ['header', 'subject', 'opening', 'closing', 'kinds', 'reflector']);
  for (const key of ['header', 'subject', 'opening', 'closing', 'kinds']) if (notice[key] === undefined) read.fail(['notice', key], `missing "${key}"`);
  const kinds = optionalEntries(notice.kinds, ['notice', 'kinds'], findingKindsByUrgency);
  const words = (kind: FindingKind) => findingKind(kind)!;
  /**
   * Per protocol; a protocol without an entry uses `other`. Without the section (an operator's
   * older files) every protocol gets the kind's own advice from the list of kinds.
   */
  const reflectorTexts = (value: unknown): Record<ReflectorProtocol, ReflectorProtocolTexts> => {
    const fallback = { service: 'UDP', advice: words('reflector').advice[language] };
    if (value === undefined)
      return Object.fromEntries(reflectorProtocols.map((protocol) => [protocol, fallback])) as Record<ReflectorProtocol, ReflectorProtocolTexts>;
    const at = ['notice', 'reflector'];
    const entries = optionalEntries(value, at, reflectorProtocols);
    if (entries.other === undefined) read.fail([...at, 'other'], 'missing "other"');
    const parsed = (protocol: ReflectorProtocol): ReflectorProtocolTexts => {
      const entry = section(entries[protocol], [...at, protocol], ['service', 'advice']);
      return {
        service: text(entry.service, [...at, protocol, 'service'], 'reflector.service'),
        advice: text(entry.advice, [...at, protocol, 'advice'], 'reflector.advice'),
      };
    };
    const other = parsed('other');
    return Object.fromEntries(reflectorProtocols.map((protocol) => [protocol, entries[protocol] === undefined ? other : parsed(protocol)])) as Record<
      ReflectorProtocol,
      ReflectorProtocolTexts
    >;
  };
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
    reflectorCsv:
      formats.reflectorCsv === undefined ? '{reportType}: {title} ({count})' : text(formats.reflectorCsv, ['formats', 'reflectorCsv'], 'formats.reflectorCsv'),
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
          const own = kind === 'reflector';
          return [
            kind,
            {
              title: text(entry.title, [...at, 'title'], own ? 'reflector.title' : 'kind.title'),
              body: text(entry.body, [...at, 'body'], own ? 'reflector.body' : 'kind.body'),
            },
          ];
        }),
      ) as Record<FindingKind, { title: string; body: string }>,
      reflector: reflectorTexts(notice.reflector),
    },
  };
}

/**
 * Load `ja.yaml` and `en.yaml` from a directory (default: the shipped texts), with the device
 * advice (`device-advice-ja.yaml`, `device-advice-en.yaml`) from the same directory, or the
 * shipped advice when the directory has none (an operator's older template folder). Each
 * file's `language` must match its name.
 * @example const templates = loadMessageTemplates(); renderEmail(report, { templates })
 */
export function loadMessageTemplates(directory: string = defaultMessagesDirectory): MessageTemplates {
  const hasAdvice = messageLanguages.every((language) => existsSync(path.join(directory, `device-advice-${language}.yaml`)));
  const advice = loadDeviceAdvice(hasAdvice ? directory : defaultMessagesDirectory);
  const entries = messageLanguages.map((language) => {
    const dataFile = readDataFile(path.join(directory, `${language}.yaml`), 'CONFIG_INVALID');
    const templates = parseLanguageTemplates(dataFile);
    if (templates.language !== language)
      throw dataFile.errorAt('CONFIG_INVALID', ['language'], `file ${language}.yaml declares language "${templates.language}"`);
    return [language, { ...templates, deviceAdvice: advice[language] }] as const;
  });
  return Object.fromEntries(entries) as MessageTemplates;
}
