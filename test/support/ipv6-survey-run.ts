/**
 * One IPv6 survey of a small lab, run inside a network namespace that holds the lab's prefix
 * (test/support/ipv6-namespace.ts): `ip netns exec NS node test/support/ipv6-survey-run.ts
 * CONFIG.json RESULT.json`. The lab and the survey share this process (40 devices need no core
 * of their own); the result file holds what the test scores: the lab's truth, what the survey
 * stored, and the connections the lab saw at the addresses that must never be dialed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createSurveyDeps, surveyRuleFiles } from '../../src/cli/survey-deps.ts';
import { labAttemptsPerHost, labAttemptsPerService } from '../../src/lab/credentials.ts';
import { startLab } from '../../src/lab/lab.ts';
import { openStore } from '../../src/store/open-store.ts';
import { runSurvey } from '../../src/survey/run-survey.ts';

export interface IPv6SurveyConfig {
  labCidr: string;
  devices: number;
  seed: number;
  /** Where the hit list is written: every lab device's address (and a few empty ones). */
  hitList: string;
  plan: string;
  store: string;
  /** Addresses with no device added to the hit list: nothing answers there, or they are outside the scope. */
  extraAddresses: string[];
  /** The test namespace's documentation prefix, taken out of the blocklist for this survey only. */
  allowReserved: string[];
}

const [configFile, resultFile] = process.argv.slice(2);
if (!configFile || !resultFile) {
  process.stderr.write('usage: ipv6-survey-run.ts CONFIG.json RESULT.json\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configFile, 'utf8')) as IPv6SurveyConfig;
const lab = await startLab({ cidr: config.labCidr, deviceCount: config.devices, seed: config.seed, hostile: false });
const store = await openStore(config.store);
try {
  // Two weak devices the survey must never dial: one excluded by the request, one whose owner opted out.
  const [excluded, optedOut] = lab.truth.devices.filter((device) => device.weaknesses.length > 0).map((device) => device.ip);
  if (!excluded || !optedOut) throw new Error('the lab has fewer than two weak devices; choose another seed');
  writeFileSync(config.hitList, `# the lab's devices, as a hit list names hosts\n${[...lab.addresses, ...config.extraAddresses].join('\n')}\n`);
  const optOut = await store.createOptOutRequest({
    cidrs: [`${optedOut}/128`],
    contact: 'owner@example.net',
    reason: 'please leave my camera alone',
    requestedAt: new Date().toISOString(),
    requesterAddress: optedOut,
  });
  await store.decideOptOutRequest(optOut, { status: 'approved', at: new Date().toISOString(), by: 'ops' });
  const summary = await runSurvey(
    {
      plan: config.plan,
      hitList: config.hitList,
      exclude: [`${excluded}/128`],
      checks: ['credentials'],
      seed: 6,
      limits: {
        perHostConcurrent: 2,
        connectTimeoutMs: 1500,
        ioTimeoutMs: 2000,
        deadlineMs: 6000,
        maxBytes: 262_144,
        maxAttemptsPerService: labAttemptsPerService,
        maxAttemptsPerHost: labAttemptsPerHost,
      },
    },
    { ...createSurveyDeps({ store, ruleFiles: surveyRuleFiles({ labRules: true }) }), allowReserved: config.allowReserved },
  );
  writeFileSync(
    resultFile,
    JSON.stringify({
      summary,
      truth: lab.truth,
      findings: await store.listFindings({ status: 'open' }),
      devices: await store.listDevices(),
      services: await store.listServices(),
      runs: await store.listRuns(),
      excluded,
      optedOut,
      connectionsTo: Object.fromEntries(lab.addresses.map((ip) => [ip, lab.connectionsTo(ip)])),
      peers: lab.peers(),
    }),
  );
} finally {
  await store.close();
  await lab.close();
}
process.exit(0);
