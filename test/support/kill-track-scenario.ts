/**
 * `track resurvey` for the kill harness: a lab surveyed, its findings attributed and notified,
 * half the notified devices fixed by their owners; the re-survey (closing after 2 misses) is
 * killed and recovered as a user would, and must leave the same findings, the same events
 * (opened, missed, closed) and the same remediation state as an uninterrupted re-survey.
 */
import { createAttributor, createIspRegistry, createPrefixTable } from '../../src/attribution/index.ts';
import { createSurveyDeps } from '../../src/cli/survey-deps.ts';
import { labIsps } from '../../src/lab/isps.ts';
import type { LabHandle } from '../../src/lab/lab.ts';
import { attributeFindings } from '../../src/notify/attribute-findings.ts';
import { buildIspReports } from '../../src/notify/build-reports.ts';
import { loadMessageTemplates } from '../../src/notify/messages/templates.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { SurveyRequest } from '../../src/survey/request.ts';
import { runSurvey } from '../../src/survey/run-survey.ts';
import { assertCompleted, type KillScenario, runCli } from './kill-harness.ts';

const ports = [21, 23, 80, 2323, 8080];
const limits = { maxAttemptsPerService: 40, maxAttemptsPerHost: 100 };
const limitArgs = ['--max-attempts-per-service', String(limits.maxAttemptsPerService), '--max-attempts-per-host', String(limits.maxAttemptsPerHost)];

/**
 * The store a re-survey starts from: the lab surveyed, findings attributed to the lab's ISPs and
 * their reports built (what `notify` records), then every other notified device fixed in the lab.
 * @example await prepareTrackStore(lab, '127.209.64.0/24', 'track.sqlite')
 */
export async function prepareTrackStore(lab: LabHandle, cidr: string, db: string): Promise<void> {
  const store = await openStore(db);
  try {
    const request: SurveyRequest = { targets: [cidr], checks: ['credentials'], ports, udpPorts: [], seed: 3, limits };
    await runSurvey(request, createSurveyDeps({ store }));
    const network = labIsps(cidr);
    await store.upsertIsps(network.isps);
    const attributor = createAttributor({ table: createPrefixTable(network.prefixes), registry: createIspRegistry(await store.listIsps()) });
    await attributeFindings(store, (ip) => attributor.attributeSync(ip));
    await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@program.example', now: new Date().toISOString() });
    const notified = await store.notificationTimes();
    const notifiedIps = [...new Set((await store.listNotifiableFindings({ status: 'open' })).filter((f) => notified.has(f.id)).map((f) => f.ip))].sort();
    if (notifiedIps.length < 4) throw new Error(`the track scenario needs notified devices, got ${notifiedIps.length}`);
    for (const ip of notifiedIps.filter((_, index) => index % 2 === 0)) lab.remediate(ip);
  } finally {
    await store.close();
  }
}

/** Re-surveys of a store prepared by prepareTrackStore, which holds one run (the survey). */
export function trackResurveyScenario(): KillScenario {
  const args = (db: string) => ['track', 'resurvey', '--misses', '2', ...limitArgs, '--quiet', '--db', db];
  const preparedRuns = 1;
  return {
    name: 'track resurvey',
    firstRun: async (db, killAfterMs) => {
      const result = await runCli(args(db), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'track resurvey') : result;
    },
    // As docs/tracking.md tells a user: a re-survey the kill left unfinished is resumed; one the
    // kill came before is run; one that finished before the kill is done.
    recover: async (db) => {
      const store = await openStore(db);
      const resurvey = (await store.listRuns()).slice(preparedRuns).at(-1);
      await store.close();
      if (resurvey === undefined) assertCompleted(await runCli(args(db)), 'track resurvey after a kill before its run was recorded');
      else if (resurvey.status !== 'completed') assertCompleted(await runCli([...args(db), '--resume', String(resurvey.id)]), 'track resurvey --resume');
    },
    snapshot: async (db) => {
      const store = await openStore(db);
      try {
        const findings = await store.listFindings();
        const nameOf = new Map(findings.map((row) => [row.id, `${row.kind} ${row.ip}:${row.port}/${row.protocol}`]));
        return {
          runs: (await store.listRuns()).map((run) => run.status),
          findings: findings.map((row) => `${nameOf.get(row.id)} ${row.status}`).sort(),
          // Each finding's history: opened, then one 'missed' per re-survey that did not see it, 'closed' at the second.
          events: (await store.listFindingEvents()).map((event) => `${nameOf.get(event.findingId)} ${event.event}`).sort(),
        };
      } finally {
        await store.close();
      }
    },
  };
}
