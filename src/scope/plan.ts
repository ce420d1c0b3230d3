/**
 * The survey plan: the approved, accountable description of a survey of real address
 * space (who runs it, under which authorization, from which source addresses, over
 * which ranges, with which checks, credential list and rates). The CLI refuses any
 * scope outside loopback without one; every credential attempt is audited against the
 * plan's SHA-256, so the file that was approved is the file that was used.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createFieldReader, parseDataFile, type DataPath } from '../core/data-file.ts';
import { OpenNoticeError, quoted } from '../core/errors.ts';
import { parseAnyCidr } from './address-space.ts';
import { canonicalAddress } from './canonical-address.ts';

export const surveyChecks = ['discovery', 'identify', 'credentials', 'firmware'] as const;
export type SurveyCheck = (typeof surveyChecks)[number];

export interface SurveyPlanOperator {
  name: string;
  organisation: string;
  /** E-mail address that answers questions and opt-out requests. */
  contact: string;
  /** Public page that explains the survey (also sent in the HTTP User-Agent). */
  transparencyUrl: string;
}

export interface SurveyPlanRates {
  /** New connections per second, all targets together. */
  connectionsPerSecond: number;
  /** Connections open at once, all targets together. */
  maxConcurrent: number;
  /** Connections open at once to one address. */
  perHostConcurrent: number;
  /** Login attempts per address, all services together (required when credentials is enabled). */
  perHostAttempts?: number;
}

export interface SurveyPlan {
  /** The plan file as given. */
  file: string;
  /** SHA-256 (hex) of the file's bytes, recorded with every run and audit row. */
  sha256: string;
  operator: SurveyPlanOperator;
  /** Reference of the approval (ticket, letter, contract clause). */
  authorization: string;
  /** Start of validity, ISO-8601 (a date alone means 00:00 UTC that day). */
  validFrom: string;
  /** End of validity, ISO-8601 (a date alone means the whole of that day, UTC). */
  validUntil: string;
  /** Addresses the survey traffic comes from, published for network owners (IPv4 and IPv6, canonical text). */
  sourceAddresses: string[];
  /** Allow-list: only these CIDRs (IPv4 or IPv6) may be surveyed. */
  ranges: string[];
  /**
   * Absolute path of the plan's hit list (one address a line), given relative to the plan: the
   * addresses an IPv6 scope is surveyed through (IPv6 is surveyed from lists, not sweeps).
   */
  hitList?: string;
  exclude: string[];
  /** TCP ports; absent means the survey's defaults. */
  ports?: number[];
  /** UDP ports; absent means the survey's UDP defaults, an empty list no UDP at all. */
  udpPorts?: number[];
  /**
   * A name the operator controls that DNS services may be asked to resolve recursively (the
   * open-resolver check); absent: no recursive question is asked.
   */
  resolverCheckName?: string;
  /** Enabled checks, each one of `surveyChecks` (typed as string so callers can test any CLI value with includes()). */
  checks: string[];
  /** 'default' (the shipped dictionary) or the absolute path of the operator's list. */
  credentialList: 'default' | (string & {});
  rates: SurveyPlanRates;
}

const topLevelFields = [
  'operator',
  'authorization',
  'validFrom',
  'validUntil',
  'sourceAddresses',
  'ranges',
  'exclude',
  'hitList',
  'ports',
  'udpPorts',
  'resolverCheckName',
  'checks',
  'credentialList',
  'rates',
];
const operatorFields = ['name', 'organisation', 'contact', 'transparencyUrl'];
const rateFields = ['connectionsPerSecond', 'maxConcurrent', 'perHostConcurrent', 'perHostAttempts'];

/**
 * Reads, validates and fingerprints a survey plan (YAML or JSON). Every missing
 * required field is named in one PLAN_INVALID error; any other problem is a
 * PLAN_INVALID error at its file:line. A plan outside its validity window is refused.
 * @example
 * const plan = loadSurveyPlan('plans/2025-q1.yaml')
 * console.log(plan.operator.contact, plan.ranges, plan.sha256)
 */
export function loadSurveyPlan(file: string, options: { now?: Date } = {}): SurveyPlan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new OpenNoticeError('PLAN_INVALID', `cannot read the survey plan: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  const dataFile = parseDataFile(bytes.toString('utf8'), file, 'PLAN_INVALID');
  const read = createFieldReader(dataFile, 'PLAN_INVALID');
  if (dataFile.data === null || dataFile.data === undefined) throw new OpenNoticeError('PLAN_INVALID', 'the survey plan is empty', { file });
  const root = read.object(dataFile.data, []);

  // Unknown keys first: a misspelt field would otherwise be reported as missing.
  read.onlyKeys(root, [], topLevelFields);
  if (isPresent(root.operator)) read.onlyKeys(read.object(root.operator, ['operator']), ['operator'], operatorFields);
  if (isPresent(root.rates)) read.onlyKeys(read.object(root.rates, ['rates']), ['rates'], rateFields);
  const missing = missingFields(root);
  if (missing.length > 0) throw new OpenNoticeError('PLAN_INVALID', `survey plan is missing: ${missing.join(', ')}`, { file });

  const operatorData = root.operator as Record<string, unknown>;
  const operator: SurveyPlanOperator = {
    name: read.string(operatorData.name, ['operator', 'name']),
    organisation: read.string(operatorData.organisation, ['operator', 'organisation']),
    contact: emailAt(read, operatorData.contact, ['operator', 'contact']),
    transparencyUrl: webUrlAt(read, operatorData.transparencyUrl, ['operator', 'transparencyUrl']),
  };

  const validFrom = instantAt(read, root.validFrom, ['validFrom'], 'start');
  const validUntil = instantAt(read, root.validUntil, ['validUntil'], 'end');
  if (validUntil <= validFrom) read.fail(['validUntil'], `must be after validFrom (${validFrom.toISOString()})`);
  const now = options.now ?? new Date();
  if (now < validFrom) read.fail(['validFrom'], `the plan is not valid before ${validFrom.toISOString()}`);
  if (now > validUntil) read.fail(['validUntil'], `the plan expired at ${validUntil.toISOString()}; get a renewed approval`);

  const checks = nonEmptyList(read, root.checks, ['checks']).map((value, index) => read.oneOf(value, ['checks', index], surveyChecks));
  const ratesData = root.rates as Record<string, unknown>;
  const maxConcurrent = wholeNumberAt(read, ratesData.maxConcurrent, ['rates', 'maxConcurrent'], 1, 100_000);
  const rates: SurveyPlanRates = {
    connectionsPerSecond: positiveNumberAt(read, ratesData.connectionsPerSecond, ['rates', 'connectionsPerSecond'], 1_000_000),
    maxConcurrent,
    perHostConcurrent: wholeNumberAt(read, ratesData.perHostConcurrent, ['rates', 'perHostConcurrent'], 1, maxConcurrent),
  };
  if (isPresent(ratesData.perHostAttempts)) {
    rates.perHostAttempts = wholeNumberAt(read, ratesData.perHostAttempts, ['rates', 'perHostAttempts'], 1, 10_000);
  }

  const plan: SurveyPlan = {
    file,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    operator,
    authorization: read.string(root.authorization, ['authorization']),
    validFrom: validFrom.toISOString(),
    validUntil: validUntil.toISOString(),
    sourceAddresses: nonEmptyList(read, root.sourceAddresses, ['sourceAddresses']).map((value, index) => addressAt(read, value, ['sourceAddresses', index])),
    ranges: nonEmptyList(read, root.ranges, ['ranges']).map((value, index) => cidrAt(read, value, ['ranges', index])),
    exclude: isPresent(root.exclude) ? read.list(root.exclude, ['exclude']).map((value, index) => cidrAt(read, value, ['exclude', index])) : [],
    checks: [...new Set(checks)],
    credentialList: isPresent(root.credentialList) ? credentialListAt(read, root.credentialList, file) : 'default',
    rates,
  };
  if (isPresent(root.hitList)) plan.hitList = planFileAt(read, root.hitList, ['hitList'], file, 'hit list');
  if (isPresent(root.ports)) {
    plan.ports = nonEmptyList(read, root.ports, ['ports']).map((value, index) => wholeNumberAt(read, value, ['ports', index], 1, 65535));
  }
  // Present but empty is meaningful here: the plan approves no UDP at all.
  if (root.udpPorts !== undefined && root.udpPorts !== null) {
    plan.udpPorts = read.list(root.udpPorts, ['udpPorts']).map((value, index) => wholeNumberAt(read, value, ['udpPorts', index], 1, 65535));
  }
  if (isPresent(root.resolverCheckName)) plan.resolverCheckName = dnsNameAt(read, root.resolverCheckName, ['resolverCheckName']);
  return plan;
}

type FieldReader = ReturnType<typeof createFieldReader>;

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Every required field that is absent, in the order a plan file lists them. */
function missingFields(root: Record<string, unknown>): string[] {
  const operator = typeof root.operator === 'object' && root.operator !== null ? (root.operator as Record<string, unknown>) : {};
  const rates = typeof root.rates === 'object' && root.rates !== null ? (root.rates as Record<string, unknown>) : {};
  const wantsCredentials = Array.isArray(root.checks) && root.checks.includes('credentials');
  const required: Array<[string, unknown]> = [
    ...operatorFields.map((field): [string, unknown] => [`operator.${field}`, operator[field]]),
    ['authorization', root.authorization],
    ['validFrom', root.validFrom],
    ['validUntil', root.validUntil],
    ['sourceAddresses', root.sourceAddresses],
    ['ranges', root.ranges],
    ['checks', root.checks],
    ...(wantsCredentials ? ([['credentialList', root.credentialList]] as Array<[string, unknown]>) : []),
    ['rates.connectionsPerSecond', rates.connectionsPerSecond],
    ['rates.maxConcurrent', rates.maxConcurrent],
    ['rates.perHostConcurrent', rates.perHostConcurrent],
    ...(wantsCredentials ? ([['rates.perHostAttempts', rates.perHostAttempts]] as Array<[string, unknown]>) : []),
  ];
  return required.filter(([, value]) => !isPresent(value)).map(([name]) => name);
}

function nonEmptyList(read: FieldReader, value: unknown, path: DataPath): unknown[] {
  const list = read.list(value, path);
  if (list.length === 0) read.fail(path, 'must list at least one entry');
  return list;
}

function emailAt(read: FieldReader, value: unknown, path: DataPath): string {
  const text = read.string(value, path).trim();
  if (!/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(text)) read.fail(path, `${quoted(text)} is not an e-mail address`);
  return text;
}

function webUrlAt(read: FieldReader, value: unknown, path: DataPath): string {
  const text = read.string(value, path).trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) read.fail(path, `${quoted(text)} is not an http(s) URL`);
  return text;
}

/** A date alone covers the whole day: validFrom at its start, validUntil at its end (UTC). */
function instantAt(read: FieldReader, value: unknown, path: DataPath, edge: 'start' | 'end'): Date {
  if (value instanceof Date) return value;
  const text = read.string(value, path).trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = new Date(`${text}T00:00:00.000Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) return read.fail(path, `${quoted(text)} is not a calendar date`);
    return edge === 'start' ? day : new Date(day.getTime() + 24 * 3600 * 1000 - 1);
  }
  // A time needs an explicit offset: "valid until 18:00" must not depend on the scanner's time zone.
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? new Date(text) : undefined;
  if (!instant || Number.isNaN(instant.getTime())) {
    return read.fail(path, `${quoted(text)} is not a date (YYYY-MM-DD) or a time with offset (YYYY-MM-DDTHH:MM:SSZ)`);
  }
  return instant;
}

function wholeNumberAt(read: FieldReader, value: unknown, path: DataPath, min: number, max: number): number {
  const number = read.number(value, path, { min, max });
  if (!Number.isInteger(number)) read.fail(path, 'must be a whole number');
  return number;
}

function positiveNumberAt(read: FieldReader, value: unknown, path: DataPath, max: number): number {
  const number = read.number(value, path, { max });
  if (number <= 0) read.fail(path, 'must be greater than 0');
  return number;
}

/** A source address of either family, in canonical text (the form the host's interfaces list). */
function addressAt(read: FieldReader, value: unknown, path: DataPath): string {
  const text = read.string(value, path).trim();
  const address = canonicalAddress(text);
  if (address === undefined) return read.fail(path, `${quoted(text)} is not an IPv4 or IPv6 address`);
  return address;
}

function cidrAt(read: FieldReader, value: unknown, path: DataPath): string {
  const text = read.string(value, path);
  try {
    return parseAnyCidr(text).text;
  } catch (error) {
    return read.fail(path, error instanceof Error ? error.message : String(error));
  }
}

function dnsNameAt(read: FieldReader, value: unknown, path: DataPath): string {
  const text = read.string(value, path);
  return checkName(text) ?? read.fail(path, `${quoted(text.trim())} is not a DNS name`);
}

/**
 * A fully qualified host name (letters, digits, hyphens; at least two labels), lower-cased and
 * without the final dot; undefined for anything else.
 * @example checkName('Check.Survey.Example.NET.') // 'check.survey.example.net'
 */
export function checkName(text: string): string | undefined {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((part) => label.test(part)) ? name : undefined;
}

/** 'default', or a file path relative to the plan that must exist now (not mid-survey). */
function credentialListAt(read: FieldReader, value: unknown, planFile: string): string {
  const text = read.string(value, ['credentialList']).trim();
  if (text === 'default') return 'default';
  return planFileAt(read, text, ['credentialList'], planFile, 'credential list');
}

/** A file path relative to the plan that must exist now (not mid-survey). */
function planFileAt(read: FieldReader, value: unknown, field: DataPath, planFile: string, what: string): string {
  const text = read.string(value, field).trim();
  const path = resolve(dirname(planFile), text);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) read.fail(field, `${what} ${quoted(text)} not found (looked for ${path})`);
  return path;
}
