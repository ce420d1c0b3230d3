import { networkInterfaces } from 'node:os';
import { OpenNoticeError } from '../core/errors.ts';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { readCidrList } from '../scope/cidr-file.ts';
import { AddressSet } from '../scope/cidr.ts';
import { buildScope } from '../scope/scope.ts';
import { loadSurveyPlan } from '../scope/plan.ts';
import { readOpenPorts } from '../discover/import.ts';
import type { SurveyConfig } from '../survey/run-survey.ts';
import { integerOption, listOption, portsOption, type Command } from './command.ts';

export const defaultPorts = [21, 22, 23, 80, 2323, 8080];
const knownChecks = ['discovery', 'identify', 'credentials', 'firmware'] as const;

/** Options shared by `survey` and `demo`. */
export const surveyOptionSpecs: Command['options'] = {
  target: { type: 'string', multiple: true, short: 't', valueName: 'CIDR', description: 'address range to survey' },
  targets: { type: 'string', valueName: 'FILE', description: 'file of CIDRs to survey, one per line (# comments)' },
  exclude: { type: 'string', multiple: true, valueName: 'CIDR', description: 'range never to contact (opt-outs)' },
  'exclude-file': { type: 'string', valueName: 'FILE', description: 'file of CIDRs never to contact' },
  plan: { type: 'string', valueName: 'FILE', description: 'approved survey plan (required outside loopback)' },
  ports: { type: 'string', multiple: true, valueName: 'LIST', description: `TCP ports to survey (default: the plan's, else ${defaultPorts.join(',')})` },
  check: { type: 'string', multiple: true, valueName: 'NAME', description: 'checks to run: credentials, firmware (discovery and identify always run)' },
  input: { type: 'string', valueName: 'FILE', description: 'open ports from ZMap CSV or masscan JSON/list output instead of the connect scan' },
  'input-format': {
    type: 'string',
    valueName: 'FORMAT',
    description: 'auto, zmap (zmap-csv), masscan (-oJ), masscan-ndjson (-oD), masscan-list (-oL)',
    default: 'auto',
  },
  'input-port': { type: 'string', valueName: 'PORT', description: 'port of a ZMap file that has no sport column' },
  'skip-invalid': { type: 'boolean', description: 'skip and count malformed input lines instead of stopping' },
  dictionary: { type: 'string', valueName: 'FILE', description: 'credential dictionary (YAML) instead of the shipped default' },
  'max-attempts-per-service': { type: 'string', valueName: 'N', description: 'login attempts per service', default: '40' },
  'max-attempts-per-host': { type: 'string', valueName: 'N', description: 'login attempts per host, all services together', default: '100' },
  seed: { type: 'string', valueName: 'N', description: 'seed of the target permutation (same seed, same order)', default: '1' },
  rate: { type: 'string', valueName: 'N', description: 'new connections per second, all targets (default 20000 on loopback, 100 otherwise)' },
  'max-concurrent': { type: 'string', valueName: 'N', description: 'connections open at once (default 1000 on loopback, 100 otherwise)' },
  'per-host': { type: 'string', valueName: 'N', description: 'connections open at once to one address', default: '2' },
  'connect-timeout': { type: 'string', valueName: 'MS', description: 'TCP handshake timeout', default: '1500' },
  'io-timeout': { type: 'string', valueName: 'MS', description: 'longest wait for the next bytes', default: '3000' },
  deadline: { type: 'string', valueName: 'MS', description: 'longest life of one connection', default: '10000' },
  'max-bytes': { type: 'string', valueName: 'N', description: 'most bytes read from one connection', default: '262144' },
  'user-agent': { type: 'string', valueName: 'TEXT', description: 'HTTP User-Agent (should name your transparency page)' },
  db: { type: 'string', valueName: 'FILE', description: 'SQLite store', default: 'opennotice.sqlite' },
  resume: { type: 'string', valueName: 'RUN', description: 'continue an interrupted run: same scope, ports, seed and checks; saved hosts are skipped' },
  json: { type: 'boolean', description: 'print the summary as JSON' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
};

/**
 * Turn command-line values (and the plan, when given) into a SurveyConfig.
 * The plan is the authority: CLI values may narrow it (fewer ranges, lower rates),
 * never widen it.
 */
export async function buildSurveyConfig(values: Record<string, unknown>): Promise<SurveyConfig> {
  const plan = typeof values.plan === 'string' ? loadSurveyPlan(values.plan) : undefined;
  const cliTargets = [...listOption(values, 'target'), ...(typeof values.targets === 'string' ? readCidrList(values.targets).map((entry) => entry.cidr) : [])];
  const cliExcludes = [
    ...listOption(values, 'exclude'),
    ...(typeof values['exclude-file'] === 'string' ? readCidrList(values['exclude-file']).map((entry) => entry.cidr) : []),
  ];
  const checks = listOption(values, 'check');
  for (const check of checks) {
    if (!knownChecks.includes(check as (typeof knownChecks)[number]))
      throw new OpenNoticeError('USAGE', `unknown check "${check}" (known: ${knownChecks.join(', ')})`);
  }

  let scopeCidrs = cliTargets;
  let excludeCidrs = cliExcludes;
  if (plan) {
    assertSourceAddressesPresent(plan.sourceAddresses, plan.file);
    scopeCidrs = cliTargets.length > 0 ? cliTargets : plan.ranges;
    excludeCidrs = [...plan.exclude, ...cliExcludes];
    const planRanges = AddressSet.fromCidrs(plan.ranges);
    const outside = scopeCidrs.filter((cidr) => AddressSet.fromCidrs([cidr]).subtract(planRanges).size > 0);
    if (outside.length > 0)
      throw new OpenNoticeError('PLAN_INVALID', `--target ${outside.join(', ')} is outside the plan's ranges (${plan.ranges.join(', ')})`, { file: plan.file });
    const cliPorts = portsOption(values, 'ports');
    const portsOutside = plan.ports ? cliPorts.filter((port) => !plan.ports!.includes(port)) : [];
    if (portsOutside.length > 0)
      throw new OpenNoticeError('PLAN_INVALID', `--ports ${portsOutside.join(',')} not in the plan's ports (${plan.ports!.join(',')})`, { file: plan.file });
    const notApproved = checks.filter((check) => !plan.checks.includes(check));
    if (notApproved.length > 0)
      throw new OpenNoticeError('PLAN_INVALID', `check ${notApproved.join(', ')} is not enabled in the plan (enabled: ${plan.checks.join(', ')})`, {
        file: plan.file,
      });
  }
  if (scopeCidrs.length === 0 && typeof values.input !== 'string') {
    throw new OpenNoticeError('USAGE', 'nothing to survey: give --target CIDR, --targets FILE, --plan FILE or --input FILE');
  }
  // The plan question comes first: "you need a plan" helps more than "that range is reserved".
  const requestedCidrs = scopeCidrs.length > 0 ? scopeCidrs : ['0.0.0.0/0'];
  if (!plan && AddressSet.fromCidrs(requestedCidrs).subtract(AddressSet.fromCidrs(['127.0.0.0/8'])).size > 0) {
    throw new OpenNoticeError(
      'PLAN_REQUIRED',
      'surveying addresses outside loopback needs an approved survey plan: --plan FILE with operator, contact, sourceAddresses, ranges, checks, credentialList and rates (see examples/survey-plan.yaml and docs/operations.md)',
    );
  }
  const scope = buildScope({ allow: requestedCidrs, exclude: excludeCidrs });

  const loopback = scope.loopbackOnly;
  const cap = (cli: number | undefined, fallback: number, planLimit?: number) => Math.min(cli ?? fallback, planLimit ?? Infinity);
  const rate = {
    connectionsPerSecond: cap(integerOption(values, 'rate', { min: 1, max: 1_000_000 }), loopback ? 20_000 : 100, plan?.rates.connectionsPerSecond),
    maxConcurrent: cap(integerOption(values, 'max-concurrent', { min: 1, max: 10_000 }), loopback ? 1000 : 100, plan?.rates.maxConcurrent),
    perHostConcurrent: cap(integerOption(values, 'per-host', { min: 1, max: 64 }), 2, plan?.rates.perHostConcurrent),
  };
  const wantsCredentials = checks.includes('credentials');
  const dictionaryFile =
    typeof values.dictionary === 'string' ? values.dictionary : plan && plan.credentialList !== 'default' ? plan.credentialList : undefined;
  const inputFile = typeof values.input === 'string' ? values.input : undefined;
  return {
    scope,
    scopeCidrs: scopeCidrs.length > 0 ? scopeCidrs : ['0.0.0.0/0'],
    excludeCidrs,
    ports: resolvePorts(portsOption(values, 'ports'), plan?.ports),
    seed: integerOption(values, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1,
    rate,
    limits: {
      connectTimeoutMs: integerOption(values, 'connect-timeout', { min: 10, max: 60_000 }),
      ioTimeoutMs: integerOption(values, 'io-timeout', { min: 10, max: 120_000 }),
      deadlineMs: integerOption(values, 'deadline', { min: 100, max: 600_000 }),
      maxBytes: integerOption(values, 'max-bytes', { min: 1024, max: 64 * 1024 * 1024 }),
    },
    discoveryConcurrency: rate.maxConcurrent,
    hostConcurrency: Math.max(1, Math.floor(rate.maxConcurrent / rate.perHostConcurrent)),
    importedOpenPorts: inputFile
      ? readOpenPorts(inputFile, {
          format: String(values['input-format'] ?? 'auto'),
          port: integerOption(values, 'input-port', { min: 1, max: 65535 }),
          skipInvalid: Boolean(values['skip-invalid']),
        })
      : undefined,
    credentials: wantsCredentials
      ? {
          dictionary: loadDictionary(dictionaryFile),
          maxAttemptsPerService: integerOption(values, 'max-attempts-per-service', { min: 1, max: 10_000 }) ?? 40,
          maxAttemptsPerHost: cap(integerOption(values, 'max-attempts-per-host', { min: 1, max: 10_000 }), 100, plan?.rates.perHostAttempts),
        }
      : undefined,
    firmware: checks.includes('firmware'),
    userAgent: String(
      values['user-agent'] ??
        (plan ? `opennotice-survey (+${plan.operator.transparencyUrl})` : 'opennotice-survey (+https://github.com/opennotice/opennotice; lab)'),
    ),
    sourceAddresses: plan?.sourceAddresses,
    plan: plan
      ? { file: plan.file, sha256: plan.sha256, operator: `${plan.operator.name} <${plan.operator.contact}>, ${plan.operator.organisation}` }
      : undefined,
  };
}

function resolvePorts(cliPorts: number[], planPorts: number[] | undefined): number[] {
  if (cliPorts.length > 0) return cliPorts;
  return planPorts && planPorts.length > 0 ? planPorts : defaultPorts;
}

/**
 * The plan's published source addresses must be configured here: otherwise every
 * connection would fail to bind, or — worse — leave from an unpublished address.
 */
function assertSourceAddressesPresent(sourceAddresses: readonly string[], file: string): void {
  const local = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address)));
  const missing = sourceAddresses.filter((address) => !local.has(address));
  if (missing.length > 0) {
    throw new OpenNoticeError(
      'PLAN_INVALID',
      `source address ${missing.join(', ')} is not configured on this host (configured: ${[...local].join(', ')}); survey from the published addresses only`,
      { file },
    );
  }
}
