/**
 * The survey's command-line options (shared by `survey`, `track resurvey` and the demo) and
 * how they become a typed `SurveyRequest`. Only reading the command line happens here; what
 * the survey may do with the request is decided in survey/policy.ts.
 */
import { resolve } from 'node:path';
import { readCidrList } from '../scope/cidr-file.ts';
import { maxSenderThreads } from '../scope/udp-sweep.ts';
import { inputFormatNames, type InputFormatName } from '../discover/import.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { defaultAttemptCaps, surveyLimitBounds } from '../survey/limit-policy.ts';
import { defaultPortsFor } from '../survey/ports/survey-ports.ts';
import { requestableChecks, type RequestableCheck, type SurveyLimits, type SurveyRequest } from '../survey/request.ts';
import { integerOption, listOption, portsOption, type OptionSpecs, type OptionValues } from './command.ts';
import { readConfigFile } from './config-file.ts';
import { configurableStoreOption } from './store-option.ts';

/** The options that add fingerprint rules; the demo takes them too. */
export const ruleOptionSpecs = {
  rules: {
    type: 'string',
    multiple: true,
    valueName: 'PATH',
    description: 'more fingerprint rules: a folder or file of YAML rules and/or Recog XML databases (docs/fingerprints.md)',
  },
  config: { type: 'string', valueName: 'FILE', description: 'configuration file (docs/formats.md); its rules load before --rules' },
} as const satisfies OptionSpecs;

/** Options shared by `survey`, `track resurvey` and `demo`. */
export const surveyOptionSpecs = {
  target: { type: 'string', multiple: true, short: 't', valueName: 'CIDR', description: 'address range to survey' },
  targets: { type: 'string', valueName: 'FILE', description: 'file of CIDRs to survey, one per line (# comments)' },
  'hit-list': {
    type: 'string',
    valueName: 'FILE',
    description: 'file of addresses to survey, one per line: only those inside the scope are dialed (how IPv6 is surveyed)',
  },
  exclude: { type: 'string', multiple: true, valueName: 'CIDR', description: 'range never to contact (opt-outs)' },
  'exclude-file': { type: 'string', valueName: 'FILE', description: 'file of CIDRs never to contact' },
  plan: { type: 'string', valueName: 'FILE', description: 'approved survey plan (required outside loopback)' },
  ports: {
    type: 'string',
    multiple: true,
    valueName: 'LIST',
    description: `TCP ports to survey (default: the plan's, else the ${defaultPortsFor(shippedProtocols.defaultSurveyPorts).length} IoT ports of docs/formats.md; '' for none: a UDP-only survey)`,
  },
  'udp-ports': {
    type: 'string',
    multiple: true,
    valueName: 'LIST',
    description: `UDP ports to send their protocol's request (default: the plan's udpPorts, else ${shippedProtocols.defaultUdpPorts.join(',') || 'none'}; '' for none)`,
  },
  'resolver-check-name': {
    type: 'string',
    valueName: 'NAME',
    description: "a DNS name you control that DNS services are asked to resolve, to find open resolvers (default: the plan's resolverCheckName)",
  },
  'udp-retries': { type: 'string', valueName: 'N', description: 'requests sent again to a UDP service that did not answer', default: '1' },
  'sender-threads': {
    type: 'string',
    valueName: 'N',
    description: "threads that send the UDP sweep's datagrams, 0-8 (0: the survey's own thread; default 1 from --rate 5000 on, else 0)",
  },
  check: {
    type: 'string',
    multiple: true,
    valueName: 'NAME',
    description: `checks to run: ${requestableChecks.join(', ')} (discovery and identify always run)`,
  },
  input: { type: 'string', valueName: 'FILE', description: 'open ports from ZMap CSV or masscan JSON/list output instead of the connect scan' },
  'input-format': {
    type: 'string',
    valueName: 'FORMAT',
    description: 'auto, zmap (zmap-csv), masscan (-oJ), masscan-ndjson (-oD), masscan-list (-oL)',
    default: 'auto',
  },
  'input-port': {
    type: 'string',
    valueName: 'PORT',
    description: 'port of a ZMap file that has no sport column (of a UDP scan: replies from other ports are ignored)',
  },
  'input-transport': {
    type: 'string',
    valueName: 'tcp|udp',
    description: 'what a ZMap file without a classification column scanned (its rows say it otherwise; udp: `zmap -M udp`)',
  },
  'skip-invalid': { type: 'boolean', description: 'skip and count malformed input lines instead of stopping' },
  dictionary: { type: 'string', valueName: 'FILE', description: 'credential dictionary (YAML) instead of the shipped default' },
  ...ruleOptionSpecs,
  'max-attempts-per-service': {
    type: 'string',
    valueName: 'N',
    description: 'login attempts per service, a safety bound: the default tries every shipped pair',
    default: String(defaultAttemptCaps.maxAttemptsPerService),
  },
  'max-attempts-per-host': {
    type: 'string',
    valueName: 'N',
    description: "login attempts per host, all services together (the plan's perHostAttempts bounds it)",
    default: String(defaultAttemptCaps.maxAttemptsPerHost),
  },
  seed: { type: 'string', valueName: 'N', description: 'seed of the target permutation (same seed, same order)', default: '1' },
  rate: { type: 'string', valueName: 'N', description: 'new connections per second, all targets (default 20000 on loopback, 100 otherwise)' },
  'max-concurrent': { type: 'string', valueName: 'N', description: 'connections open at once (default 1000 on loopback, 100 otherwise)' },
  'per-host': { type: 'string', valueName: 'N', description: 'connections open at once to one address', default: '2' },
  'connect-timeout': { type: 'string', valueName: 'MS', description: 'TCP handshake timeout', default: '1500' },
  'io-timeout': { type: 'string', valueName: 'MS', description: 'longest wait for the next bytes', default: '3000' },
  deadline: { type: 'string', valueName: 'MS', description: 'longest life of one connection', default: '10000' },
  'max-bytes': { type: 'string', valueName: 'N', description: 'most bytes read from one connection', default: '262144' },
  'max-probes': {
    type: 'string',
    valueName: 'N',
    description: "requests spent finding a silent service's protocol, beyond its port's usual one (0: only the usual protocol)",
    default: '6',
  },
  'user-agent': { type: 'string', valueName: 'TEXT', description: 'HTTP User-Agent (should name your transparency page)' },
  db: configurableStoreOption,
  resume: { type: 'string', valueName: 'RUN', description: 'continue an interrupted run: same scope, ports, seed and checks; saved hosts are skipped' },
  json: { type: 'boolean', description: 'print the summary as JSON' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
} as const satisfies OptionSpecs;

export type SurveyOptionValues = OptionValues<typeof surveyOptionSpecs>;

/** Which limit each option sets. */
const limitOptions = {
  rate: 'connectionsPerSecond',
  'max-concurrent': 'maxConcurrent',
  'per-host': 'perHostConcurrent',
  'connect-timeout': 'connectTimeoutMs',
  'io-timeout': 'ioTimeoutMs',
  deadline: 'deadlineMs',
  'max-bytes': 'maxBytes',
  'max-probes': 'maxProbes',
  'udp-retries': 'udpRetries',
  'max-attempts-per-service': 'maxAttemptsPerService',
  'max-attempts-per-host': 'maxAttemptsPerHost',
} as const satisfies Partial<Record<keyof SurveyOptionValues, keyof SurveyLimits>>;

/**
 * The rule paths `--config` and `--rules` name, absolute, the configuration file's first
 * (paths are kept as given in order; a folder is read when the survey loads its rules).
 * @example rulePathsFromOptions({ rules: ['my-rules', '/data/recog/xml'] }) // ['/home/op/my-rules', '/data/recog/xml']
 */
export function rulePathsFromOptions(values: OptionValues<typeof ruleOptionSpecs>): string[] {
  const fromConfig = values.config ? readConfigFile(values.config).rules : [];
  // Not listOption: a path may contain a comma.
  return [...fromConfig, ...(values.rules ?? []).map((path) => resolve(path))];
}

/**
 * Where the store is: --db, else the configuration file's `store:`, else opennotice.sqlite.
 * @example storeLocationFromOptions({ config: '/etc/opennotice/config.yaml' }) // 'postgres://opennotice@db.example/opennotice'
 */
export function storeLocationFromOptions(values: { db?: string; config?: string }): string {
  return values.db ?? (values.config ? readConfigFile(values.config).store : undefined) ?? 'opennotice.sqlite';
}

function inputTransport(value: string): 'tcp' | 'udp' {
  if (value !== 'tcp' && value !== 'udp') throw new OpenNoticeError('USAGE', `--input-transport must be tcp or udp, not "${value}"`);
  return value;
}

/**
 * The survey request the command line asks for. Files of CIDRs are read here; the plan, the
 * dictionary and an input file are passed on by path.
 * @example surveyRequestFromOptions({ target: ['127.77.0.0/16'], check: ['credentials'] }) // { targets: ['127.77.0.0/16'], checks: ['credentials'], … }
 */
export function surveyRequestFromOptions(values: SurveyOptionValues): SurveyRequest {
  const targets = [...listOption(values.target), ...(values.targets ? readCidrList(values.targets).map((entry) => entry.cidr) : [])];
  const exclude = [...listOption(values.exclude), ...(values['exclude-file'] ? readCidrList(values['exclude-file']).map((entry) => entry.cidr) : [])];
  const checks = listOption(values.check).filter((check) => check !== 'discovery' && check !== 'identify');
  for (const check of checks) {
    if (!(requestableChecks as readonly string[]).includes(check)) {
      throw new OpenNoticeError('USAGE', `unknown check "${check}" (known: discovery, identify, ${requestableChecks.join(', ')})`);
    }
  }
  const limits: SurveyLimits = {};
  for (const [option, limit] of Object.entries(limitOptions) as Array<[keyof typeof limitOptions, keyof SurveyLimits]>) {
    const value = integerOption(values[option], option, surveyLimitBounds[limit]);
    if (value !== undefined) limits[limit] = value;
  }
  const resume = integerOption(values.resume, 'resume', { min: 1, max: Number.MAX_SAFE_INTEGER });
  const rules = rulePathsFromOptions(values);
  const format = values['input-format'] ?? 'auto';
  if (!(inputFormatNames as readonly string[]).includes(format)) {
    throw new OpenNoticeError('USAGE', `unknown input format "${format}" (known: ${inputFormatNames.join(', ')})`);
  }
  return {
    targets,
    exclude,
    ...(values.plan ? { plan: values.plan } : {}),
    ...(values['hit-list'] ? { hitList: values['hit-list'] } : {}),
    // Absent: the defaults; given, even empty: exactly those (an empty value leaves TCP out).
    ...(values.ports !== undefined ? { ports: portsOption(values.ports, 'ports') } : {}),
    // Absent: the defaults; given, even empty: exactly those (an empty value turns UDP off).
    ...(values['udp-ports'] !== undefined ? { udpPorts: portsOption(values['udp-ports'], 'udp-ports') } : {}),
    ...(values['resolver-check-name'] !== undefined ? { resolverCheckName: values['resolver-check-name'] } : {}),
    checks: checks as RequestableCheck[],
    limits,
    ...(values.dictionary ? { dictionary: values.dictionary } : {}),
    ...(rules.length > 0 ? { rules } : {}),
    seed: integerOption(values.seed, 'seed', { min: 0, max: 2 ** 32 - 1 }) ?? 1,
    ...(values['sender-threads'] !== undefined
      ? { senderThreads: integerOption(values['sender-threads'], 'sender-threads', { min: 0, max: maxSenderThreads }) }
      : {}),
    ...(resume !== undefined ? { resume } : {}),
    ...(values.input
      ? {
          discovery: {
            kind: 'file',
            file: values.input,
            format: format as InputFormatName,
            port: integerOption(values['input-port'], 'input-port', { min: 1, max: 65535 }),
            ...(values['input-transport'] !== undefined ? { transport: inputTransport(values['input-transport']) } : {}),
            skipInvalid: values['skip-invalid'] ?? false,
          },
        }
      : {}),
    ...(values['user-agent'] ? { userAgent: values['user-agent'] } : {}),
  };
}
