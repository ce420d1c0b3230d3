/**
 * Fuzz targets for the files an operator writes: CIDR lists, hit lists, fingerprint rules,
 * credential dictionaries, survey plans and the ISP and integrator registries. Each is parsed
 * through the entry point its reader uses (text and file name; the plan from a file).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { validateDictionary } from '../../../../src/assess/credentials/dictionary.ts';
import { parseIntegrators } from '../../../../src/attribution/integrator-registry-file.ts';
import { parseIspRegistry } from '../../../../src/attribution/isp-registry-file.ts';
import { parseDataFile } from '../../../../src/core/data-file.ts';
import { ruleSetFromDataFiles } from '../../../../src/identify/rule-loader.ts';
import { parseCidrList } from '../../../../src/scope/cidr-file.ts';
import { parseHitList } from '../../../../src/scope/hit-list.ts';
import { loadSurveyPlan } from '../../../../src/scope/plan.ts';
import type { FuzzTarget } from '../target.ts';

const project = (path: string): Buffer => readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)));
const text = (input: Buffer): string => input.toString('utf8');

/** A YAML file with each top-level list cut to its first `keep` items: small seeds mutate better. */
function shortened(path: string, keep: number): Buffer {
  const document = parse(project(path).toString('utf8')) as Record<string, unknown>;
  const short = Object.fromEntries(Object.entries(document).map(([key, value]) => [key, Array.isArray(value) ? value.slice(0, keep) : value]));
  return Buffer.from(stringify(short));
}

/** A fixed clock: a plan's validity window is checked against it, and the run must not depend on the day. */
const planClock = new Date('2026-01-15T00:00:00Z');

export const targets: FuzzTarget[] = [
  {
    name: 'cidr-list',
    about: 'CIDR lists (allow, exclude, opt-out, blocklist files)',
    contract: 'file',
    suffix: '.conf',
    seeds: () => [project('src/scope/default-blocklist.conf').subarray(0, 1500), Buffer.from('10.0.0.0/8 # a\n2001:db8::/32\n192.0.2.7\n::ffff:1.2.3.4/128\n')],
    run: (input, place) => parseCidrList(text(input), place.file),
  },
  {
    name: 'hit-list',
    about: 'hit lists (one address a line)',
    contract: 'file',
    suffix: '.txt',
    seeds: () => [Buffer.from('192.0.2.1\n2001:db8:6::a  # camera\n2001:DB8:6::b\n\n# note\n198.51.100.255\n')],
    run: (input, place) => parseHitList(text(input), place.file),
  },
  {
    name: 'rules',
    about: 'fingerprint rule YAML',
    contract: 'file',
    suffix: '.yaml',
    seeds: () => [
      project('src/identify/rules/nas.yaml'),
      project('test/fixtures/operator-rules/local.yaml'),
      shortened('src/identify/rules/routers.yaml', 4),
      shortened('src/identify/rules/components.yaml', 4),
    ],
    run: (input, place) => ruleSetFromDataFiles([parseDataFile(text(input), place.file, 'RULES_INVALID')]),
  },
  {
    name: 'dictionary',
    about: 'credential dictionary YAML',
    contract: 'file',
    suffix: '.yaml',
    seeds: () => [shortened('src/assess/credentials/default-dictionary.yaml', 8)],
    run: (input, place) => validateDictionary(parseDataFile(text(input), place.file, 'DICTIONARY_INVALID')),
  },
  {
    name: 'plan',
    about: 'survey plans (read from a file, as `survey --plan`)',
    contract: 'file',
    writesFile: true,
    suffix: '.yaml',
    seeds: () => [project('examples/survey-plan.yaml')],
    run: (_input, place) => loadSurveyPlan(place.file, { now: planClock }),
  },
  {
    name: 'isp-registry',
    about: 'ISP and integrator registries',
    contract: 'file',
    suffix: '.yaml',
    seeds: () => [project('examples/isps.yaml')],
    run: (input, place) => {
      parseIspRegistry(text(input), place.file);
      return parseIntegrators(text(input), place.file);
    },
  },
];
