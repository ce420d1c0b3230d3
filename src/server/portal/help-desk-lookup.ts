/**
 * The help desk's lookup: an ISP's findings at one address, sorted into those that covered the
 * time the desk asked about (the subscriber who had the address then) and the rest (history:
 * the address may have belonged to someone else), with each finding's events and the notices
 * that carried it. Every lookup is logged before anything is shown.
 */
import type { FindingKind } from '../../core/records.ts';
import { canonicalAddress } from '../../scope/canonical-address.ts';
import type { FindingEventRow, FindingStore } from '../../store/roles/findings.ts';
import type { HelpDeskStore } from '../../store/roles/help-desk.ts';
import type { IspPortalStore, PortalFindingRow } from '../../store/roles/isp-portal.ts';
import type { ReportRow, ReportStore } from '../../store/roles/reports.ts';
import type { Principal, ServerDeps } from '../route-types.ts';

/** The store roles the help desk uses. */
export type HelpDeskPageStore = HelpDeskStore & IspPortalStore & FindingStore & ReportStore;

/** Findings read per lookup at most: one address rarely has more than a handful. */
export const maxFindingsPerLookup = 100;
/** The longest address text accepted (an IPv6 address with an embedded IPv4 is 45 characters). */
export const maxAddressLength = 64;
/** The earliest time a desk may ask about: before it, no finding can exist. */
export const earliestLookupTime = Date.parse('2000-01-01T00:00:00Z');

/** The form's fields as typed. */
export interface HelpDeskForm {
  address: string;
  /** A `datetime-local` value ("2026-01-03T12:00", read in the desk's time zone) or an ISO time with its offset; empty: now. */
  time: string;
}

export type HelpDeskProblem = 'address' | 'time';

export interface HelpDeskQuery {
  ip: string;
  /** The time asked about, ISO-8601 UTC. */
  at: string;
}

/** When one finding was observed as present: from an opening to the closing after it (open-ended while open). */
export interface ObservedInterval {
  from: string;
  until?: string;
}

export interface HelpDeskFinding {
  finding: PortalFindingRow;
  intervals: ObservedInterval[];
  events: FindingEventRow[];
  reports: ReportRow[];
}

export interface HelpDeskResult {
  query: HelpDeskQuery;
  /** Findings whose observed time covers the time asked: what the subscriber of that time has. */
  current: HelpDeskFinding[];
  /** The ISP's other findings at the address (before or after that time). */
  other: HelpDeskFinding[];
}

/** Kinds and device types of the current findings, once each: what the text to read covers. */
export interface AdviceNeed {
  kind: FindingKind;
  deviceType?: string;
}

const localTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The address and time of a form, or the field that is wrong. A local time is read in the
 * desk's zone (`offsetMinutes` from UTC); an empty time is now.
 * @example parseHelpDeskForm({ address: '2001:DB8::7', time: '2026-01-03T21:00' }, 540, now) // { ok: true, query: { ip: '2001:db8::7', at: '2026-01-03T12:00:00.000Z' } }
 */
export function parseHelpDeskForm(
  form: HelpDeskForm,
  offsetMinutes: number,
  now: Date,
): { ok: true; query: HelpDeskQuery } | { ok: false; problem: HelpDeskProblem } {
  const text = form.address.trim();
  const ip = text.length > 0 && text.length <= maxAddressLength ? canonicalAddress(text) : undefined;
  if (ip === undefined) return { ok: false, problem: 'address' };
  const timeText = form.time.trim();
  let time: number;
  if (timeText === '') time = now.getTime();
  else if (localTime.test(timeText)) time = Date.parse(`${timeText}Z`) - offsetMinutes * 60_000;
  else if (timeText.length <= 40 && /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(timeText)) time = Date.parse(timeText);
  else time = Number.NaN;
  // A day of slack for clocks; the future has no subscriber yet.
  if (Number.isNaN(time) || time < earliestLookupTime || time > now.getTime() + 86_400_000) return { ok: false, problem: 'time' };
  return { ok: true, query: { ip, at: new Date(time).toISOString() } };
}

/**
 * The spans a finding was present, from its events (opened/reopened start one, closed ends it);
 * without events, from its first sighting to its closing.
 * @example observedIntervals(finding, events) // [{ from: '2026-01-01T…', until: '2026-01-05T…' }, { from: '2026-02-01T…' }]
 */
export function observedIntervals(finding: PortalFindingRow, events: readonly FindingEventRow[]): ObservedInterval[] {
  const ordered = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const intervals: ObservedInterval[] = [];
  let start: string | undefined;
  for (const event of ordered) {
    if ((event.event === 'opened' || event.event === 'reopened') && start === undefined) start = event.at;
    if (event.event === 'closed' && start !== undefined) {
      intervals.push({ from: start, until: event.at });
      start = undefined;
    }
  }
  if (start !== undefined) intervals.push({ from: start });
  if (intervals.length > 0) return intervals;
  return [finding.closedAt ? { from: finding.firstSeen, until: finding.closedAt } : { from: finding.firstSeen }];
}

const covers = (intervals: readonly ObservedInterval[], at: string) =>
  intervals.some((interval) => Date.parse(interval.from) <= Date.parse(at) && (interval.until === undefined || Date.parse(at) <= Date.parse(interval.until)));

/**
 * Look up the ISP's findings at the address and log the lookup (who, when, address, time, rows shown and present).
 * @example const result = await lookUpAddress(deps, principal, { ip: '192.0.2.7', at: '2026-01-03T12:00:00.000Z' })
 */
export async function lookUpAddress(
  deps: ServerDeps<HelpDeskPageStore>,
  principal: Extract<Principal, { kind: 'isp' }>,
  query: HelpDeskQuery,
): Promise<HelpDeskResult> {
  const rows = await deps.store.listIspFindingsAtAddress(principal.ispId, query.ip, maxFindingsPerLookup);
  const findings = await Promise.all(
    rows.map(async (finding): Promise<HelpDeskFinding> => {
      const [events, reports] = await Promise.all([
        deps.store.listFindingEvents({ findingId: finding.id }),
        deps.store.reportsCarryingFinding(principal.ispId, finding.id),
      ]);
      return { finding, intervals: observedIntervals(finding, events), events, reports };
    }),
  );
  const current = findings.filter((item) => covers(item.intervals, query.at));
  const other = findings.filter((item) => !covers(item.intervals, query.at));
  await deps.store.recordHelpDeskLookup({
    at: deps.now().toISOString(),
    userId: principal.userId,
    userName: principal.name,
    ispId: principal.ispId,
    ip: query.ip,
    askedTime: query.at,
    rowsShown: findings.length,
    rowsPresent: current.length,
  });
  return { query, current, other };
}

/**
 * What the text to read must cover: each kind with the device type of its findings (the first
 * known one), most urgent first as the findings are ordered by the caller.
 * @example adviceNeeds(result.current) // [{ kind: 'infected', deviceType: 'router' }]
 */
export function adviceNeeds(current: readonly HelpDeskFinding[]): AdviceNeed[] {
  const byKind = new Map<FindingKind, AdviceNeed>();
  for (const { finding } of current) {
    const known = byKind.get(finding.kind);
    if (!known) byKind.set(finding.kind, { kind: finding.kind, ...(finding.deviceType ? { deviceType: finding.deviceType } : {}) });
    else if (!known.deviceType && finding.deviceType) known.deviceType = finding.deviceType;
  }
  return [...byKind.values()];
}
