import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFieldReader, readDataFile, type DataFile, type DataPath } from '../core/data-file.ts';
import { OpenNoticeError, quoted } from '../core/errors.ts';
import { criticalSectors } from '../core/records.ts';
import { compilePattern } from './pattern.ts';
import { readRuleComponent } from './rule-component.ts';
import type { FieldTable } from '../protocols/protocol.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { fieldPathProblem } from './result-fields.ts';
import {
  captureGroupNames,
  deviceTypes,
  normaliseKey,
  ruleFactKeys,
  type FingerprintRule,
  type ProductEntry,
  type RuleFacts,
  type RuleSet,
} from './rule-types.ts';

/** Folder of the rule files shipped with opennotice. */
export const defaultRulesDirectory = fileURLToPath(new URL('./rules/', import.meta.url));

const fileKeys = ['rules', 'products'] as const;
const ruleKeys = ['id', 'protocol', 'field', 'pattern', 'flags', 'sets', 'component', 'confidence', 'description', 'examples'] as const;
const productKeys = ['vendor', 'model', 'deviceType', 'sector', 'releaseYear', 'cpePart', 'cpeVendor', 'cpeProduct'] as const;
const cpeParts = ['a', 'o', 'h'] as const;
/** Used when a rule does not say how sure it is: fairly sure, but below an exact model string. */
const defaultConfidence = 0.8;
/** Ids appear in evidence and reports; keep them to characters that need no quoting. */
const ruleIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type Reader = ReturnType<typeof createFieldReader>;
type Location = { file: string; line: number };

/**
 * Every *.yaml / *.yml file in a folder, sorted by name (so load order, and therefore
 * tie-breaking between equally strong rules, is the same on every machine).
 * @example ruleFilesIn(defaultRulesDirectory) // ['/…/identify/rules/common.yaml']
 */
export function ruleFilesIn(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw new OpenNoticeError('RULES_INVALID', `cannot read rule folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: directory });
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(directory, name));
}

/**
 * Load, validate and compile fingerprint rule files. Any problem is a RULES_INVALID
 * error carrying the file and line, raised at start-up rather than mid-survey. A rule may
 * read only the fields its protocol declares (`fieldTables`, from the protocol registry).
 * @example
 * const ruleSet = loadRuleFiles();                                  // the shipped rules
 * const mine = loadRuleFiles(['/etc/opennotice/rules/local.yaml']);  // an operator's own
 */
export function loadRuleFiles(
  paths: string[] = ruleFilesIn(defaultRulesDirectory),
  fieldTables: ReadonlyMap<string, FieldTable> = shippedProtocols.fieldTables,
): RuleSet {
  return ruleSetFromDataFiles(
    paths.map((path) => readDataFile(path, 'RULES_INVALID')),
    fieldTables,
  );
}

/** Where an earlier definition is: its line when in the same file (the error already names the file once), else file and line. */
function whereFirst(first: Location, file: string): string {
  return first.file === file ? `at line ${first.line}` : `at ${first.file}:${first.line}`;
}

/**
 * Validate already-parsed rule files as one set (ids and products must be unique across all).
 * @example ruleSetFromDataFiles([parseDataFile(text, 'inline.yaml', 'RULES_INVALID')])
 */
export function ruleSetFromDataFiles(dataFiles: DataFile[], fieldTables: ReadonlyMap<string, FieldTable> = shippedProtocols.fieldTables): RuleSet {
  const ruleSet: RuleSet = { rules: [], products: [], files: [] };
  const ruleLocations = new Map<string, Location>();
  const productLocations = new Map<string, Location>();
  for (const dataFile of dataFiles) {
    const read = createFieldReader(dataFile, 'RULES_INVALID');
    const root = read.object(dataFile.data, []);
    read.onlyKeys(root, [], fileKeys);
    const rawRules = root.rules === undefined ? [] : read.list(root.rules, ['rules']);
    rawRules.forEach((raw, index) => {
      const rule = readRule(dataFile, read, raw, ['rules', index], fieldTables);
      const first = ruleLocations.get(rule.id);
      if (first) read.fail(['rules', index, 'id'], `duplicate rule id ${quoted(rule.id)} (first defined ${whereFirst(first, dataFile.file)})`);
      ruleLocations.set(rule.id, rule.source);
      ruleSet.rules.push(rule);
    });
    const rawProducts = root.products === undefined ? [] : read.list(root.products, ['products']);
    rawProducts.forEach((raw, index) => {
      const product = readProduct(dataFile, read, raw, ['products', index]);
      const key = `${normaliseKey(product.vendor)}\u0000${normaliseKey(product.model)}`;
      const first = productLocations.get(key);
      if (first) read.fail(['products', index], `duplicate product ${product.vendor} ${product.model} (first defined ${whereFirst(first, dataFile.file)})`);
      productLocations.set(key, product.source);
      ruleSet.products.push(product);
    });
    ruleSet.files.push(dataFile.file);
  }
  return ruleSet;
}

function readRule(dataFile: DataFile, read: Reader, raw: unknown, path: DataPath, fieldTables: ReadonlyMap<string, FieldTable>): FingerprintRule {
  const fields = read.object(raw, path);
  read.onlyKeys(fields, path, ruleKeys);
  for (const key of ['id', 'protocol', 'field', 'pattern'] as const) {
    if (fields[key] === undefined || fields[key] === null) read.fail(path, `rule is missing required field ${quoted(key)}`);
  }
  const id = read.string(fields.id, [...path, 'id']);
  if (!ruleIdPattern.test(id)) read.fail([...path, 'id'], `rule id ${quoted(id)} may only contain letters, digits, ".", "_" and "-"`);
  const protocol = read.string(fields.protocol, [...path, 'protocol']);
  const field = read.string(fields.field, [...path, 'field']);
  const fieldPath = field.split('.');
  const fieldProblem = fieldPathProblem(fieldTables, protocol, fieldPath);
  if (fieldProblem) read.fail([...path, fieldProblem.startsWith('unknown protocol') ? 'protocol' : 'field'], fieldProblem);

  const source = read.string(fields.pattern, [...path, 'pattern']);
  const flags = fields.flags === undefined ? '' : read.string(fields.flags, [...path, 'flags'], { allowEmpty: true });
  const compiled = compilePattern(source, flags);
  if ('problem' in compiled) return read.fail([...path, compiled.on], compiled.problem);
  const captures = compiled.groupNames.map((name) => {
    if (!(captureGroupNames as readonly string[]).includes(name)) {
      read.fail([...path, 'pattern'], `named group ${quoted(name)} is not one of ${captureGroupNames.join(', ')}`);
    }
    return name as (typeof captureGroupNames)[number];
  });

  const sets = fields.sets === undefined ? {} : readFacts(read, fields.sets, [...path, 'sets']);
  const component = fields.component === undefined ? undefined : readRuleComponent(read, fields.component, [...path, 'component']);
  // One rule, one meaning of "version": with a component it is the component's.
  if (component && sets.version !== undefined) {
    read.fail([...path, 'sets', 'version'], "in a rule with a component, the version is the component's: write it as component.version");
  }
  if (Object.keys(sets).length === 0 && captures.length === 0 && !component) {
    read.fail(path, 'rule asserts nothing: give "sets", a "component", or capture vendor/model/version with a named group');
  }
  const confidence = fields.confidence === undefined ? defaultConfidence : read.number(fields.confidence, [...path, 'confidence'], { min: 0, max: 1 });
  const description = fields.description === undefined ? undefined : read.string(fields.description, [...path, 'description']);
  if (fields.examples !== undefined) checkExamples(read, fields.examples, [...path, 'examples'], compiled.regex);

  return {
    id,
    protocol,
    field,
    fieldPath,
    pattern: compiled.regex,
    readsAtMost: compiled.readsAtMost,
    captures,
    sets,
    ...(component === undefined ? {} : { component }),
    confidence,
    ...(description === undefined ? {} : { description }),
    source: { file: dataFile.file, line: dataFile.lineOf(path) ?? 0 },
  };
}

function readFacts(read: Reader, raw: unknown, path: DataPath): RuleFacts {
  const fields = read.object(raw, path);
  read.onlyKeys(fields, path, ruleFactKeys);
  const facts: RuleFacts = {};
  for (const key of ruleFactKeys) {
    if (fields[key] === undefined) continue;
    if (key === 'deviceType') {
      facts.deviceType = read.oneOf(fields[key], [...path, key], deviceTypes);
      continue;
    }
    if (key === 'sector') {
      facts.sector = read.oneOf(fields[key], [...path, key], criticalSectors);
      continue;
    }
    // YAML reads an unquoted 1.10 as the number 1.1: a version must be written as text.
    if (key === 'version' && typeof fields[key] !== 'string')
      read.fail([...path, key], `write the version in quotes (YAML reads ${quoted(fields[key])} as a ${typeof fields[key]})`);
    facts[key] = read.string(fields[key], [...path, key]).trim();
  }
  // A sector only means something for a critical device; on a camera it would be a typo'd type.
  if (facts.sector !== undefined && facts.deviceType !== 'critical') read.fail([...path, 'sector'], 'a sector needs deviceType: critical beside it');
  return facts;
}

/** `examples` are texts the pattern must match: a rule that drifts from its own samples fails at load. */
function checkExamples(read: Reader, raw: unknown, path: DataPath, regex: RegExp): void {
  read.list(raw, path).forEach((item, index) => {
    const text = read.string(item, [...path, index]);
    let outcome: boolean | Error;
    try {
      outcome = regex.test(text);
    } catch (error) {
      // The engine can still refuse a huge pattern on some text (see compilePattern).
      outcome = error as Error;
    }
    if (outcome instanceof Error) read.fail([...path, index], `the pattern cannot run on this example: ${outcome.message.slice(-80)}`);
    else if (!outcome) read.fail([...path, index], `pattern does not match its own example ${quoted(text)}`);
  });
}

function readProduct(dataFile: DataFile, read: Reader, raw: unknown, path: DataPath): ProductEntry {
  const fields = read.object(raw, path);
  read.onlyKeys(fields, path, productKeys);
  for (const key of ['vendor', 'model'] as const) {
    if (fields[key] === undefined || fields[key] === null) read.fail(path, `product is missing required field ${quoted(key)}`);
  }
  const product: ProductEntry = {
    vendor: read.string(fields.vendor, [...path, 'vendor']).trim(),
    model: read.string(fields.model, [...path, 'model']).trim(),
    cpePart: fields.cpePart === undefined ? 'o' : read.oneOf(fields.cpePart, [...path, 'cpePart'], cpeParts),
    source: { file: dataFile.file, line: dataFile.lineOf(path) ?? 0 },
  };
  if (fields.deviceType !== undefined) product.deviceType = read.oneOf(fields.deviceType, [...path, 'deviceType'], deviceTypes);
  if (fields.sector !== undefined) {
    product.sector = read.oneOf(fields.sector, [...path, 'sector'], criticalSectors);
    if (product.deviceType !== 'critical') read.fail([...path, 'sector'], 'a sector needs deviceType: critical beside it');
  }
  if (fields.releaseYear !== undefined) {
    const year = read.number(fields.releaseYear, [...path, 'releaseYear'], { min: 1990, max: 2100 });
    if (!Number.isInteger(year)) read.fail([...path, 'releaseYear'], 'must be a whole year');
    product.releaseYear = year;
  }
  if (fields.cpeProduct !== undefined) product.cpeProduct = read.string(fields.cpeProduct, [...path, 'cpeProduct']).trim();
  if (fields.cpeVendor !== undefined) {
    if (product.cpeProduct === undefined) read.fail([...path, 'cpeVendor'], 'cpeVendor needs cpeProduct as well');
    product.cpeVendor = read.string(fields.cpeVendor, [...path, 'cpeVendor']).trim();
  }
  return product;
}
