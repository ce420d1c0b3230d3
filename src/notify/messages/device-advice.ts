/**
 * What a subscriber should do, per kind of device × kind of finding, in each language: the
 * concrete steps for that kind of device (a camera's RTSP/ONVIF accounts, a router's remote
 * administration and WAN-side UPnP, a DVR's P2P cloud, a critical device's installer …).
 * The texts are data (`device-advice-en.yaml`, `device-advice-ja.yaml` beside this file) so a
 * translator can change them without touching code; each file is checked when loaded: every
 * device type and finding kind present, no unknown field, steps on one line. A mistake is a
 * CONFIG_INVALID error with file and line.
 */
import path from 'node:path';
import { createFieldReader, readDataFile, type DataFile } from '../../core/data-file.ts';
import { findingKind, findingKinds } from '../../core/finding-kinds.ts';
import type { DeviceType, FindingKind } from '../../core/records.ts';
import { deviceTypes } from '../../identify/rule-types.ts';
import { defaultMessagesDirectory, messageLanguages, type MessageLanguage } from './languages.ts';

/** The longest step a file may hold: a step is read aloud or printed in a notice, not an essay. */
export const maxStepLength = 400;
/** At most this many steps per cell: more is a manual, and nobody follows a manual from a notice. */
export const maxSteps = 6;

/** The advice for one device type and finding kind. */
export interface DeviceAdvice {
  /** How the device is called in this language ("network camera"). */
  deviceName: string;
  /** The steps, in order, one sentence or two each. */
  steps: readonly string[];
  /** False when the device type was unknown and the `other` advice was given. */
  specific: boolean;
}

export interface DeviceAdviceTexts {
  language: MessageLanguage;
  /** The line above the steps in a notice; `{device}` is the device's name ("Steps for a {device}:"). */
  stepsHeading: string;
  deviceNames: Readonly<Record<DeviceType, string>>;
  steps: Readonly<Record<DeviceType, Readonly<Record<FindingKind, readonly string[]>>>>;
}

export type DeviceAdviceSet = Readonly<Record<MessageLanguage, DeviceAdviceTexts>>;

/**
 * Validate one language file.
 * @example parseDeviceAdvice(parseDataFile(text, 'device-advice-en.yaml', 'CONFIG_INVALID'))
 */
export function parseDeviceAdvice(dataFile: DataFile): DeviceAdviceTexts {
  const read = createFieldReader(dataFile, 'CONFIG_INVALID');
  const required = (value: unknown, at: readonly (string | number)[], keys: readonly string[]) => {
    const object = read.object(value, at);
    read.onlyKeys(object, at, keys);
    for (const key of keys) if (object[key] === undefined) read.fail([...at, key], `missing "${key}"`);
    return object;
  };
  const line = (value: unknown, at: readonly (string | number)[]): string => {
    const text = read.string(value, at).trim();
    if (text.length === 0) read.fail(at, 'must not be empty');
    if (text.includes('\n')) read.fail(at, 'must be a single line');
    if (text.length > maxStepLength) read.fail(at, `is ${text.length} characters long (at most ${maxStepLength})`);
    return text;
  };
  const root = required(dataFile.data, [], ['language', 'stepsHeading', 'deviceNames', 'advice']);
  const language = read.oneOf(root.language, ['language'], messageLanguages);
  const stepsHeading = line(root.stepsHeading, ['stepsHeading']);
  for (const [, name] of stepsHeading.matchAll(/\{([^}]*)\}/g))
    if (name !== 'device') read.fail(['stepsHeading'], `unknown placeholder {${name}} (this text may use: {device})`);
  const names = required(root.deviceNames, ['deviceNames'], deviceTypes);
  const advice = required(root.advice, ['advice'], deviceTypes);
  const cell = (type: DeviceType, kind: FindingKind): string[] => {
    const at = ['advice', type, kind];
    const list = read.list(required(advice[type], ['advice', type], findingKinds)[kind], at);
    if (list.length === 0) read.fail(at, 'needs at least one step');
    if (list.length > maxSteps) read.fail(at, `has ${list.length} steps (at most ${maxSteps})`);
    return list.map((step, index) => line(step, [...at, index]));
  };
  return {
    language,
    stepsHeading,
    deviceNames: Object.fromEntries(deviceTypes.map((type) => [type, line(names[type], ['deviceNames', type])])) as Record<DeviceType, string>,
    steps: Object.fromEntries(deviceTypes.map((type) => [type, Object.fromEntries(findingKinds.map((kind) => [kind, cell(type, kind)]))])) as Record<
      DeviceType,
      Record<FindingKind, string[]>
    >,
  };
}

/**
 * Load `device-advice-ja.yaml` and `device-advice-en.yaml` from a directory (default: the
 * shipped texts). Each file's `language` must match its name.
 * @example const advice = loadDeviceAdvice(); adviceFor(advice, 'ja', 'router', 'infected').steps
 */
export function loadDeviceAdvice(directory: string = defaultMessagesDirectory): DeviceAdviceSet {
  const entries = messageLanguages.map((language) => {
    const dataFile = readDataFile(path.join(directory, `device-advice-${language}.yaml`), 'CONFIG_INVALID');
    const texts = parseDeviceAdvice(dataFile);
    if (texts.language !== language)
      throw dataFile.errorAt('CONFIG_INVALID', ['language'], `file device-advice-${language}.yaml declares language "${texts.language}"`);
    return [language, texts] as const;
  });
  return Object.fromEntries(entries) as Record<MessageLanguage, DeviceAdviceTexts>;
}

const isDeviceType = (value: string | undefined): value is DeviceType => value !== undefined && (deviceTypes as readonly string[]).includes(value);

/**
 * The steps for a device of this type with this finding; an unknown or missing type gets the
 * `other` advice (`specific` false), so callers that know only the kind still get steps.
 * @example adviceFor(advice, 'en', 'ip-camera', 'weak-credential').steps[1] // '… RTSP …'
 */
export function adviceFor(advice: DeviceAdviceSet, language: MessageLanguage, deviceType: string | undefined, kind: FindingKind): DeviceAdvice {
  const texts = advice[language];
  const type: DeviceType = isDeviceType(deviceType) ? deviceType : 'other';
  return { deviceName: texts.deviceNames[type], steps: texts.steps[type][kind], specific: type !== 'other' };
}

/**
 * One language's steps for a known device type, or undefined when the type is unknown or `other`.
 * @example deviceStepsOf(advice.en, 'dvr', 'weak-credential')?.steps
 */
export function deviceStepsOf(texts: DeviceAdviceTexts, deviceType: string | undefined, kind: FindingKind): DeviceAdvice | undefined {
  if (!isDeviceType(deviceType) || deviceType === 'other') return undefined;
  return { deviceName: texts.deviceNames[deviceType], steps: texts.steps[deviceType][kind], specific: true };
}

/**
 * The kind's own one-paragraph advice (src/core/finding-kinds.ts) followed by the device's
 * steps when the type is known: what the public page and the help desk show.
 * @example adviceSummary(advice, 'ja', undefined, 'infected').device // undefined: only the kind's advice
 */
export function adviceSummary(advice: DeviceAdviceSet, language: MessageLanguage, deviceType: string | undefined, kind: FindingKind) {
  const general = findingKind(kind)?.advice[language] ?? '';
  const device = adviceFor(advice, language, deviceType, kind);
  return { general, device: device.specific ? device : undefined };
}
