/**
 * Did notifying work? Per group (ISP, finding kind, study group, channel): the share of
 * findings remediated within 7, 14 and 30 days of the start (first notification, or when a
 * control finding would have been notified), the median time to remediation, and the survival
 * curve (Kaplan–Meier, so findings still open are counted as censored, not as failures).
 */

/** Findings that share a start and a fix time, counted together (how the dashboard reads a million of them). */
export interface TrackedCohort {
  /** When the clock starts: first notification, or the hold-out's would-be notification time. */
  startAt: string;
  /** When a re-survey found it fixed (closed), if it has been. */
  remediatedAt?: string;
  /** How many findings (default 1). */
  count?: number;
}

/** One finding: a cohort of one. */
export interface TrackedFinding extends TrackedCohort {
  findingId: number;
}

export interface EffectivenessFigures {
  findings: number;
  remediated: number;
  /** Share remediated by day 7, 14, 30, among the findings whose clock started at least that long ago (null: none did). */
  rateWithin: { 7: number | null; 14: number | null; 30: number | null };
  /** Days until half were remediated (Kaplan–Meier), null when fewer than half ever were. */
  medianDays: number | null;
  /** Survival curve: share still open after `day` days, at each day a remediation happened. */
  survival: Array<{ day: number; open: number; atRisk: number }>;
}

const dayMs = 86_400_000;

const weightOf = (entries: ReadonlyArray<{ weight: number }>): number => entries.reduce((sum, entry) => sum + entry.weight, 0);

/**
 * Days between two times as calendar days (UTC): a fix seen by the re-survey on day 7 counts as
 * "within 7 days" whatever the hour of the notice, as programmes report it.
 */
const calendarDays = (from: number, to: number): number => Math.floor(to / dayMs) - Math.floor(from / dayMs);

/**
 * @example effectiveness(tracked, { asOf: new Date().toISOString() }).rateWithin[14]
 */
export function effectiveness(findings: ReadonlyArray<TrackedFinding | TrackedCohort>, options: { asOf: string }): EffectivenessFigures {
  const asOf = Date.parse(options.asOf);
  const durations = findings
    .map((finding) => {
      const start = Date.parse(finding.startAt);
      const fixed = finding.remediatedAt !== undefined && Date.parse(finding.remediatedAt) <= asOf;
      const end = fixed ? Math.max(start, Date.parse(finding.remediatedAt!)) : asOf;
      return { days: Math.max(0, calendarDays(start, end)), watchedDays: calendarDays(start, asOf), fixed, weight: finding.count ?? 1 };
    })
    .filter((entry) => Number.isFinite(entry.days));
  const rate = (limit: number): number | null => {
    // The cohort notified at least `limit` days ago, fixed or not: counting early fixes of younger
    // findings while leaving out their unfixed peers would inflate the rate.
    const eligible = durations.filter((entry) => entry.watchedDays >= limit);
    const total = weightOf(eligible);
    if (total === 0) return null;
    return weightOf(eligible.filter((entry) => entry.fixed && entry.days <= limit)) / total;
  };
  // Kaplan–Meier in one pass over the days, sorted once: at risk on day d = findings whose
  // (whole) duration reaches d; a fix on day d is an event, an open finding is censored.
  const survival: EffectivenessFigures['survival'] = [];
  const byDay = new Map<number, { events: number; ending: number }>();
  for (const entry of durations) {
    const day = Math.ceil(entry.days);
    const counts = byDay.get(day) ?? { events: 0, ending: 0 };
    counts.ending += entry.weight;
    if (entry.fixed) counts.events += entry.weight;
    byDay.set(day, counts);
  }
  let atRisk = weightOf(durations);
  let open = 1;
  let medianDays: number | null = null;
  for (const [day, counts] of [...byDay].sort((a, b) => a[0] - b[0])) {
    if (counts.events > 0 && atRisk > 0) {
      open *= 1 - counts.events / atRisk;
      survival.push({ day, open, atRisk });
      if (medianDays === null && open <= 0.5) medianDays = day;
    }
    atRisk -= counts.ending;
  }
  return {
    findings: weightOf(durations),
    remediated: weightOf(durations.filter((entry) => entry.fixed)),
    rateWithin: { 7: rate(7), 14: rate(14), 30: rate(30) },
    medianDays,
    survival,
  };
}
