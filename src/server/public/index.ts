/**
 * The public pages module: transparency page, statistics, opt-out form and "check my
 * connection". No login; the two pages that touch per-address data or write to the store are
 * rate-limited per connection address.
 */
import { loadDeviceAdvice } from '../../notify/messages/device-advice.ts';
import type { AddressActivityStore } from '../../store/roles/address-activity.ts';
import type { AddressCheckStore } from '../../store/roles/address-check.ts';
import type { DashboardFigureStore } from '../../store/roles/dashboard-figures.ts';
import type { OptOutStore } from '../../store/roles/opt-outs.ts';
import { createBodyCache, createFigureCache } from '../dashboard/figures.ts';
import { errorResponse } from '../responses.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import type { ModuleContext } from '../module-context.ts';
import { createOptOutRangeCheck } from '../opt-out-ranges.ts';
import type { Route, ServerDeps, WebRequest, WebResponse } from '../route-types.ts';
import { renderAbout } from './about-page.ts';
import { renderCheck } from './check-page.ts';
import { renderOptOutForm, renderOptOutReceived, validateOptOut } from './opt-out-page.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { renderStatistics, statisticsBody } from './statistics-page.ts';

/** The store roles the public pages use: the statistics' sources, "check my connection" (findings and recent scanning), and the opt-out form (which only adds requests). */
export type PublicStore = DashboardFigureStore & AddressCheckStore & AddressActivityStore & OptOutStore;

export interface PublicLimits {
  /** "Check my connection" look-ups per address per minute (default 10). */
  checksPerMinute?: number;
  /** Opt-out requests per address per hour (default 5). */
  optOutsPerHour?: number;
  /** "Check my connection" reports darknet scanning and honeypot attacks of the last this many days (default 7, 1–90). */
  activityDays?: number;
}

export const defaultActivityDays = 7;

const tooMany = (request: WebRequest, limiter: RateLimiter): WebResponse =>
  errorResponse(request, 429, { 'retry-after': String(limiter.retryAfterSeconds(request.remoteAddress)), 'cache-control': 'no-store' });

/**
 * The module with its limits (the server's module list, modules.ts, passes `opennotice serve`'s).
 * @example buildApp({ deps, modules: [createPublicModule({ checksPerMinute: 3 })] })
 */
export function createPublicModule(limits: PublicLimits = {}): (deps: ServerDeps<PublicStore>, context?: Pick<ModuleContext, 'warmUp'>) => Route[] {
  return (deps, context) => {
    const figures = createFigureCache(deps, { remediation: false, criticalDetail: false });
    // The public statistics are the page the most people see: count them at start-up too.
    if (context?.warmUp) figures.current().catch(() => {});
    const bodies = createBodyCache(statisticsBody);
    const checks = createRateLimiter({ limit: limits.checksPerMinute ?? 10, windowMs: 60_000, now: deps.now });
    const optOuts = createRateLimiter({ limit: limits.optOutsPerHour ?? 5, windowMs: 3_600_000, now: deps.now });
    const activityDays = limits.activityDays ?? defaultActivityDays;
    if (!Number.isInteger(activityDays) || activityDays < 1 || activityDays > 90)
      throw new OpenNoticeError('CONFIG_INVALID', `the check page's activity window must be 1 to 90 whole days, not ${activityDays}`, { activityDays });
    const advice = loadDeviceAdvice();
    const optOutRanges = createOptOutRangeCheck();
    /** The caller's own address only: its findings and its scanning or attacks of the last days. */
    const checkFacts = async (ip: string) => ({
      findings: await deps.store.openFindingsAt(ip),
      activity: await deps.store.addressActivitySince(ip, new Date(deps.now().getTime() - activityDays * 86_400_000).toISOString()),
      activityDays,
      advice,
    });
    return [
      { method: 'GET', path: '/', access: 'public', handle: (request) => renderAbout(request, deps.program) },
      {
        method: 'GET',
        path: '/statistics',
        access: 'public',
        handle: async (request) => renderStatistics(request, bodies.get(request.locale, await figures.current())),
      },
      {
        method: 'GET',
        path: '/check',
        access: 'public',
        // Only request.remoteAddress is looked up: query parameters are never read here.
        handle: async (request) =>
          checks.allow(request.remoteAddress) ? renderCheck(request, await checkFacts(request.remoteAddress)) : tooMany(request, checks),
      },
      { method: 'GET', path: '/opt-out', access: 'public', handle: (request) => renderOptOutForm(request) },
      {
        method: 'POST',
        path: '/opt-out',
        access: 'public',
        handle: async (request) => {
          if (!optOuts.allow(request.remoteAddress)) return tooMany(request, optOuts);
          const body = await request.form();
          const form = { cidrs: body.get('cidrs') ?? '', contact: body.get('contact') ?? '', reason: body.get('reason') ?? '' };
          const checked = validateOptOut(form, request.locale, optOutRanges);
          if (!checked.ok) return renderOptOutForm(request, { form, problems: checked.problems });
          const id = await deps.store.createOptOutRequest({
            cidrs: checked.cidrs,
            contact: checked.contact,
            reason: checked.reason,
            requestedAt: deps.now().toISOString(),
            requesterAddress: request.remoteAddress,
          });
          return renderOptOutReceived(request, id);
        },
      },
    ];
  };
}
