/**
 * Everything the demo does after the first survey — the NOTICE loop closed on the lab:
 * attribute → notify → a simulated month of fixes and re-surveys → the darknet's infected
 * devices → their notices → effectiveness and the programme's figures.
 */
import { dirname } from 'node:path';
import { renderProgramStatsTable } from '../../report/program-stats.ts';
import { programStatistics } from '../../stats/program-stats.ts';
import type { Store } from '../../store/store.ts';
import type { LabProcess } from '../../lab/lab-child-process.ts';
import type { SurveyDeps } from '../../survey/run-survey.ts';
import type { CommandIo } from '../command.ts';
import type { DemoClock } from './clock.ts';
import { runDemoDarknetStep } from './darknet.ts';
import { attributeDemoFindings, demoStudy, formatNotifyPass, notifyDemoIsps, startDemoContacts } from './notify.ts';
import { runDemoTracking, type RemediationScore } from './tracking.ts';
import { effectivenessTables, formatEffectivenessTables } from '../track/effectiveness.ts';
import type { SurveyRequest } from '../../survey/request.ts';
import { labUdpProtocols } from '../../lab/types.ts';

export interface DemoFollowUpOptions {
  store: Store;
  lab: LabProcess;
  cidr: string;
  seed: number;
  clock: DemoClock;
  surveyRequest: SurveyRequest;
  deps: SurveyDeps;
  io: CommandIo;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** @example const score = await runDemoFollowUp({ store, lab, cidr, seed, clock, surveyRequest, deps, io }) */
export async function runDemoFollowUp(options: DemoFollowUpOptions): Promise<RemediationScore> {
  const { store, clock, io } = options;
  const contacts = await startDemoContacts(clock);
  try {
    io.stdout.write(`\n${await attributeDemoFindings(store, options.cidr, contacts.receiver.url, clock)}`);
    io.stdout.write(`\nNotifying the ISPs (day 0; ${percent(demoStudy.share)} of findings held back as a control group to measure the effect of notifying):\n`);
    io.stdout.write(formatNotifyPass(await notifyDemoIsps({ store, contacts, clock, renotifyAfterDays: 14 }), contacts));

    const score = await runDemoTracking({
      store,
      lab: options.lab,
      clock,
      contacts,
      seed: options.seed,
      surveyRequest: options.surveyRequest,
      deps: options.deps,
      io,
    });
    io.stdout.write(
      `  remediation detected  precision ${percent(score.precision)}  recall ${percent(score.recall)}  (${score.truePositives} of ${score.closed} closed findings were really fixed; ${score.expected} fixed early enough to confirm)\n`,
    );

    await runDemoDarknetStep({ store, truth: options.lab.truth, directory: dirname(store.location), seed: options.seed, io });
    io.stdout.write(`\n${await attributeDemoFindings(store, options.cidr, contacts.receiver.url, clock)}`);
    io.stdout.write(`Notifying the ISPs of the infected devices (day ${clock.day()}):\n`);
    io.stdout.write(formatNotifyPass(await notifyDemoIsps({ store, contacts, clock, renotifyAfterDays: 14 }), contacts));

    const asOf = clock.now().toISOString();
    // The lab's owners change passwords; nobody updates firmware or touches the UDP services (an SNMP
    // community stays `public`), so only login findings on TCP services can show an effect.
    const credentials = await effectivenessTables(store, {
      by: ['channel', 'group', 'isp'],
      asOf,
      study: demoStudy,
      kinds: ['weak-credential', 'no-authentication'],
      excludeProtocols: labUdpProtocols,
    });
    const byKind = await effectivenessTables(store, { by: ['kind'], asOf, study: demoStudy });
    io.stdout.write(
      `\nDid notifying work? Weak and missing passwords, by how the notice reached the owner (control group: "none"; all: opennotice track effectiveness --db ${store.location}):\n`,
    );
    io.stdout.write(formatEffectivenessTables({ ...byKind, ...credentials }));
    const stats = programStatistics({
      findings: await store.listNotifiableFindings(),
      events: await store.listFindingEvents(),
      reports: await store.listReports(),
    });
    io.stdout.write(`\nThe programme's figures (opennotice stats --db ${store.location}):\n${renderProgramStatsTable(stats)}`);
    return score;
  } finally {
    await contacts.close();
  }
}
