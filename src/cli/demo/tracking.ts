/**
 * The demo's tracking step: a simulated month after the first notices. The lab's subscribers
 * fix their devices on the days the remediation model gives them (by how the notice reached
 * them: e-mail, the ISP's walled garden, a router the ISP manages, or not at all for the
 * hold-out), re-surveys check only what was notified, and the findings they close are scored
 * against what the lab really fixed.
 */
import { remediationModel, type RemediationChannel } from '../../lab/remediation.ts';
import type { LabProcess } from '../../lab/lab-child-process.ts';
import type { SurveyDeps } from '../../survey/run-survey.ts';
import type { Store } from '../../store/store.ts';
import { assignGroup } from '../../track/holdout.ts';
import type { CommandIo } from '../command.ts';
import type { DemoClock } from './clock.ts';
import { demoStudy, formatNotifyPass, notifyDemoIsps, type DemoContacts } from './notify.ts';
import { resurveyNotified } from '../../track/resurvey.ts';
import type { SurveyRequest } from '../../survey/request.ts';
import { labUdpProtocols } from '../../lab/types.ts';

/** Re-survey days of the simulated month; with two misses to close, a fix is confirmed one re-survey later. */
export const resurveyDays = [7, 14, 21, 30];
const closeAfterMisses = 2;
/** Reminders go to ISPs about findings still open after this many days. */
const renotifyAfterDays = 14;

export interface RemediationScore {
  /** Credential findings the re-surveys closed. */
  closed: number;
  /** Credential findings on devices the lab fixed early enough for two re-surveys to confirm it. */
  expected: number;
  truePositives: number;
  precision: number;
  recall: number;
}

export interface DemoTrackingOptions {
  store: Store;
  lab: LabProcess;
  clock: DemoClock;
  contacts: DemoContacts & { secret: string };
  seed: number;
  /** Survey options for the re-surveys (the demo survey's own). */
  surveyRequest: SurveyRequest;
  deps: SurveyDeps;
  io: CommandIo;
}

/** How the notice reached the owner of a device, as the lab's remediation model knows channels. */
async function channelsByDevice(store: Store): Promise<Map<string, RemediationChannel>> {
  const isps = new Map((await store.listIsps()).map((isp) => [isp.id, isp]));
  const notified = await store.notificationTimes();
  const strength: RemediationChannel[] = ['none', 'email', 'walled-garden', 'isp-managed'];
  const channels = new Map<string, RemediationChannel>();
  for (const finding of await store.listNotifiableFindings({ status: 'open' })) {
    const isp = finding.attribution.ispId ? isps.get(finding.attribution.ispId) : undefined;
    // Assumption stated in docs/lab-remediation.md: an ISP that takes webhooks automates a walled-garden notice.
    const channel: RemediationChannel =
      !isp || !notified.has(finding.id) || assignGroup(finding.id, demoStudy) === 'holdout'
        ? 'none'
        : isp.managesCustomerDevices
          ? 'isp-managed'
          : isp.contacts.webhookUrl
            ? 'walled-garden'
            : 'email';
    const known = channels.get(finding.ip) ?? 'none';
    channels.set(finding.ip, strength.indexOf(channel) > strength.indexOf(known) ? channel : known);
  }
  return channels;
}

/**
 * Live the month: fixes, re-surveys, a reminder round; then score remediation detection.
 * @example const score = await runDemoTracking({ store, lab, clock, contacts, seed, surveyRequest, deps, io })
 */
export async function runDemoTracking(options: DemoTrackingOptions): Promise<RemediationScore> {
  const { store, lab, clock, io } = options;
  const channels = await channelsByDevice(store);
  const models = new Map<RemediationChannel, ReturnType<typeof remediationModel>>();
  const modelFor = (channel: RemediationChannel) => models.get(channel) ?? models.set(channel, remediationModel({ seed: options.seed, channel })).get(channel)!;
  const fixedOnDay = new Map<string, number>();
  io.stdout.write(
    `\nA simulated month of follow-up (re-surveys on days ${resurveyDays.join(', ')}; a finding is closed after ${closeAfterMisses} re-surveys in a row no longer reproduce it):\n`,
  );
  for (const day of resurveyDays) {
    clock.advanceTo(day);
    const due = [...channels].filter(([ip, channel]) => !fixedOnDay.has(ip) && modelFor(channel).fixedWithin(ip, day)).map(([ip]) => ip);
    const { remediated } = await lab.remediate(due);
    for (const ip of remediated) fixedOnDay.set(ip, day);
    const { plan, summary } = await resurveyNotified({ store, request: options.surveyRequest, deps: options.deps, closeAfterMisses, study: demoStudy });
    const counts = summary?.reconciliation;
    io.stdout.write(
      `  day ${String(day).padStart(2)}: ${String(remediated.length).padStart(4)} owners fixed their device; re-survey of ${plan.targets.length} ports: ${counts?.closed ?? 0} findings closed as fixed, ${counts?.missed ?? 0} not reproduced once, ${counts?.updated ?? 0} still open\n`,
    );
    if (day === renotifyAfterDays) {
      const pass = await notifyDemoIsps({ store, contacts: options.contacts, clock, renotifyAfterDays });
      io.stdout.write(`  day ${day}: reminders for findings still open after ${renotifyAfterDays} days:\n${formatNotifyPass(pass, options.contacts)}`);
    }
  }
  return scoreRemediation(store, fixedOnDay);
}

/** Closed login findings (TCP services) against the devices the lab fixed in time for two re-surveys to see it. */
async function scoreRemediation(store: Store, fixedOnDay: ReadonlyMap<string, number>): Promise<RemediationScore> {
  const lastConfirmable = resurveyDays.at(-closeAfterMisses)!;
  const credentialKinds = new Set(['weak-credential', 'no-authentication']);
  const notified = await store.notificationTimes();
  // The lab's owners fix their logins; an SNMP agent's `public` community is left as it was (as
  // the device's UDP services are), so those findings are not expected to close.
  const fixedByOwners = (finding: { kind: string; protocol: string }) =>
    credentialKinds.has(finding.kind) && !(labUdpProtocols as readonly string[]).includes(finding.protocol);
  const watched = (await store.listNotifiableFindings()).filter(
    (finding) => fixedByOwners(finding) && (notified.has(finding.id) || assignGroup(finding.id, demoStudy) === 'holdout'),
  );
  const closed = watched.filter((finding) => finding.status === 'closed');
  const expected = watched.filter((finding) => (fixedOnDay.get(finding.ip) ?? Infinity) <= lastConfirmable);
  const expectedIds = new Set(expected.map((finding) => finding.id));
  const truePositives = closed.filter((finding) => expectedIds.has(finding.id)).length;
  return {
    closed: closed.length,
    expected: expected.length,
    truePositives,
    precision: closed.length === 0 ? 1 : truePositives / closed.length,
    recall: expected.length === 0 ? 1 : truePositives / expected.length,
  };
}
