/**
 * Importer for Rapid7 Recog fingerprint databases (XML) into opennotice rules. Recog
 * describes software and devices of every kind; only what our grabbers see and what names a
 * device is kept, and every translated rule must still match Recog's own examples — as our
 * grabbers record them (./grab-view.ts) — with the same captured values, or it is left out
 * and reported.
 *
 * Surveys convert databases when they load them (./load.ts); nothing imported ships with
 * opennotice. As a command it prints YAML for an operator's own rules folder:
 * `node src/identify/recog/import.ts http_wwwauth.xml > recog-wwwauth.yaml`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { stringify } from 'yaml';
import type { DeviceType, GrabResult } from '../../core/records.ts';
import { decodeHtmlEntities } from '../../protocols/http/html.ts';
import { readResultText } from '../result-fields.ts';
import { compilePattern } from '../pattern.ts';
import { recogMappingOf, type RecogFieldMapping } from './grab-view.ts';
import { translateRubyRegex } from './ruby-regex.ts';
import { parseXml, type XmlElement } from './xml.ts';

/** Recog's device kinds (`hw.device`, `os.device`) that our identities have a type for: the devices the importer takes. */
export const recogDeviceTypes: Readonly<Record<string, DeviceType>> = {
  Router: 'router',
  'Broadband Router': 'router',
  WAP: 'router',
  'Cable Modem': 'router',
  'DSL Modem': 'router',
  'IP Camera': 'ip-camera',
  DVR: 'dvr',
  NVR: 'dvr',
  NAS: 'nas',
  Storage: 'nas',
  Printer: 'printer',
  'Multifunction Device': 'printer',
  'Print Server': 'printer',
};

/** One rule in the shape of our YAML format (docs/fingerprints.md). */
export interface ImportedRule {
  id: string;
  description?: string;
  protocol: string;
  field: string;
  pattern: string;
  flags?: string;
  sets: { vendor?: string; model?: string; version?: string; deviceType?: DeviceType; os?: string };
  confidence: number;
  examples?: string[];
}

export interface RecogImportReport {
  rules: ImportedRule[];
  /** Line in the XML file of each imported rule's fingerprint, in the order of `rules` (for load-time errors). */
  ruleLines: number[];
  /** Fingerprints not imported, with the reason (line numbers are in the XML file). */
  skipped: Array<{ line: number; pattern: string; reason: string }>;
}

export interface RecogImportOptions {
  /** Prefix for rule ids; default "recog-<file name>". */
  idPrefix?: string;
  /** Confidence given to imported rules (Recog has no per-fingerprint confidence). Default 0.7. */
  confidence?: number;
}

/**
 * Translate one Recog XML database.
 * @example
 * const report = importRecogXml(readFileSync('ftp_banners.xml', 'utf8'), 'ftp_banners.xml');
 * writeFileSync('rules/recog-ftp.yaml', renderImportedRules(report.rules, 'ftp_banners.xml'));
 */
export function importRecogXml(xml: string, file: string, options: RecogImportOptions = {}): RecogImportReport {
  return importRecogDatabase(parseXml(xml, file), file, options);
}

/**
 * Translate one parsed Recog database (the root `<fingerprints>` element).
 * @example importRecogDatabase(parseXml(xml, 'ftp_banners.xml'), 'ftp_banners.xml')
 */
export function importRecogDatabase(root: XmlElement, file: string, options: RecogImportOptions = {}): RecogImportReport {
  const report: RecogImportReport = { rules: [], ruleLines: [], skipped: [] };
  const { matches, mapping } = recogMappingOf(root.attributes);
  const prefix =
    options.idPrefix ??
    `recog-${basename(file)
      .replace(/\.xml$/, '')
      .replace(/[^A-Za-z0-9]+/g, '-')}`;
  for (const [index, fingerprint] of root.children.filter((child) => child.name === 'fingerprint').entries()) {
    const pattern = fingerprint.attributes.pattern ?? '';
    const skip = (reason: string) => report.skipped.push({ line: fingerprint.line, pattern, reason });
    if (!mapping) {
      skip(`no opennotice grabber field for "${matches || 'unknown'}"`);
      continue;
    }
    const rule = translateFingerprint(fingerprint, mapping, `${prefix}-${index + 1}`, options.confidence ?? 0.7);
    if ('reason' in rule) skip(rule.reason);
    else {
      report.rules.push(rule);
      report.ruleLines.push(fingerprint.line);
    }
  }
  return report;
}

/**
 * The text of a Recog `<example>` as its probe saw it (base64 examples decoded byte for byte).
 * @example recogExampleText({ name: 'example', attributes: {}, children: [], text: 'ROSSSH', line: 3 }) // 'ROSSSH'
 */
export function recogExampleText(example: XmlElement): string {
  return example.attributes._encoding === 'base64' ? Buffer.from(example.text, 'base64').toString('latin1') : example.text;
}

function translateFingerprint(fingerprint: XmlElement, mapping: RecogFieldMapping, id: string, confidence: number): ImportedRule | { reason: string } {
  const constants = new Map<string, string>();
  const positions = new Map<string, number>();
  for (const param of fingerprint.children.filter((child) => child.name === 'param')) {
    const position = Number(param.attributes.pos ?? '0');
    if (position === 0) constants.set(param.attributes.name, param.attributes.value ?? '');
    else positions.set(param.attributes.name, position);
  }
  // The device vendor: hw.vendor, or the OS vendor when the OS is a device's own (RouterOS).
  const deviceType = recogDeviceTypes[constants.get('hw.device') ?? ''] ?? recogDeviceTypes[constants.get('os.device') ?? ''];
  const vendor = constants.get('hw.vendor') ?? (deviceType ? constants.get('os.vendor') : undefined);
  if (!vendor) {
    if (positions.has('hw.vendor')) return { reason: 'captured vendor names are not imported (too easy to mis-capture)' };
    return { reason: 'names no device vendor (software-only fingerprint)' };
  }
  if (/\{[\w.]+\}/.test(vendor)) return { reason: `the vendor is a template (${vendor}), filled from other params` };
  // Captures only for facts about the device; a model or version without the vendor's rule is never taken.
  const captureNames = new Map<number, string>();
  const modelPosition = positions.get('hw.model') ?? positions.get('hw.product');
  const versionPosition = positions.get('os.version') ?? positions.get('hw.version');
  if (modelPosition) captureNames.set(modelPosition, 'model');
  const capturesVersion = versionPosition !== undefined && versionPosition !== modelPosition;
  if (capturesVersion) captureNames.set(versionPosition, 'version');
  const translation = translateRubyRegex(fingerprint.attributes.pattern ?? '', fingerprint.attributes.flags ?? '', captureNames);
  if ('problem' in translation) return { reason: translation.problem };
  let source = mapping.decodesEntities ? decodePatternEntities(translation.source) : translation.source;
  if (mapping.anchorPattern) {
    // The anchor may sit inside leading modifier groups: "(?i:^DraySSH…)".
    const anchored = /^((?:\(\?[a-z-]*:)*)(\^|\(\?<!\[\\s\\S\]\))/.exec(source);
    if (anchored) source = `${anchored[0]}${mapping.anchorPattern}${source.slice(anchored[0].length)}`;
  }
  // Compiled as the rule loader will (too large for V8, nested quantifiers), but left out rather
  // than refused: one such fingerprint must not stop a whole Recog database.
  const compiled = compilePattern(source, translation.flags);
  if ('problem' in compiled) return { reason: compiled.problem };
  const { regex } = compiled;

  // The examples as our grabber would record them; the rule reads the first field they all match in.
  const examples = fingerprint.children
    .filter((child) => child.name === 'example')
    .map((element) => ({ element, grab: mapping.grabOf(recogExampleText(element)) }));
  const chosen = fieldOfExamples(regex, mapping.fields, examples, { model: modelPosition !== undefined, version: capturesVersion });
  if ('reason' in chosen) return chosen;
  const { field } = chosen;
  const path = field.split('.');
  const kept = examples
    .map(({ grab }) => readResultText(grab, path) ?? '')
    .filter((subject) => !/[\x00-\x08\x0b-\x1f]/.test(subject))
    .slice(0, 3);

  const sets: ImportedRule['sets'] = { vendor };
  const model = constants.get('hw.model') ?? constants.get('hw.product');
  if (deviceType) sets.deviceType = deviceType;
  const os = constants.get('os.product') ?? constants.get('os.family');
  if (os) sets.os = os;
  if (model && !modelPosition && !/\{[\w.]+\}/.test(model)) sets.model = model;
  const version = constants.get('os.version') ?? constants.get('hw.version');
  if (version && !versionPosition) sets.version = version;
  const description = fingerprint.children.find((child) => child.name === 'description')?.text.trim();
  // Keys in the order a reviewer reads a hand-written rule.
  const rule: ImportedRule = {
    id,
    ...(description ? { description: `${description} (Recog)` } : {}),
    protocol: mapping.protocol,
    field,
    pattern: source,
    flags: translation.flags,
    sets,
    confidence,
    ...(kept.length > 0 ? { examples: kept } : {}),
  };
  return rule;
}

/**
 * The first of `fields` in which the pattern matches every example as our grabber records it,
 * capturing the model and version the examples state; else why none fits.
 */
function fieldOfExamples(
  regex: RegExp,
  fields: readonly string[],
  examples: ReadonlyArray<{ element: XmlElement; grab: GrabResult }>,
  captures: { model: boolean; version: boolean },
): { field: string } | { reason: string } {
  let reason = 'no field to read';
  for (const field of fields) {
    const path = field.split('.');
    const problems = examples.map(({ element, grab }) => {
      const subject = readResultText(grab, path) ?? '';
      const found = regex.exec(subject);
      const expectedModel = element.attributes['hw.model'] ?? element.attributes['hw.product'];
      const expectedVersion = element.attributes['os.version'] ?? element.attributes['hw.version'];
      if (!found) return `translated pattern does not match Recog's example as our grabber records it (${JSON.stringify(subject.slice(0, 80))})`;
      if (captures.model && expectedModel !== undefined && found.groups?.model !== expectedModel)
        return `captured model differs from Recog's example (${found.groups?.model} ≠ ${expectedModel})`;
      if (captures.version && expectedVersion !== undefined && found.groups?.version !== expectedVersion)
        return "captured version differs from Recog's example";
      return undefined;
    });
    const problem = problems.find((text) => text !== undefined);
    if (problem === undefined) return { field };
    reason = problem;
  }
  return { reason };
}

/**
 * Entity references in a title pattern, decoded as our grabber decodes titles: Recog matches
 * the raw HTML text ("DS218&nbsp;-&nbsp;Synology"), our `title` field holds the decoded text
 * with whitespace runs collapsed ("DS218 - Synology"). Only whole references are rewritten;
 * a no-break space is also found written with "." for its "&" (".nbsp;").
 */
function decodePatternEntities(source: string): string {
  return source.replace(/(?:(?:&|\.)(?:nbsp|#160|#xa0);)+/gi, ' ').replace(/&(?:#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (reference) => {
    const decoded = decodeHtmlEntities(reference);
    return decoded === reference ? reference : decoded.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  });
}

/**
 * YAML text of a rule file holding imported rules, with a header saying where they came from.
 * @example renderImportedRules(report.rules, 'ftp_banners.xml')
 */
export function renderImportedRules(rules: readonly ImportedRule[], source: string): string {
  const header = `# Imported from Rapid7 Recog ${source} (BSD-2-Clause) by opennotice's importer.\n# Review before use: Recog describes software as well as devices.\n`;
  return header + stringify({ rules }, { lineWidth: 0 });
}

// Command-line use: print the YAML and a report of what was left out (on stderr).
if (import.meta.main) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node src/identify/recog/import.ts <recog xml file>');
    process.exit(2);
  }
  const report = importRecogXml(readFileSync(file, 'utf8'), file);
  process.stdout.write(renderImportedRules(report.rules, basename(file)));
  console.error(`${report.rules.length} rules imported, ${report.skipped.length} left out`);
  for (const item of report.skipped) console.error(`${file}:${item.line}: ${item.reason}`);
}
