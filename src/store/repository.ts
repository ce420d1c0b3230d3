/**
 * Transitional: the names that modules not yet converted to the store's roles still import
 * (the survey, the darknet and honeypot runs, `track resurvey`, the lab, the benchmarks).
 * New code imports the role it uses from roles/*.ts, and the whole store as `Store` from
 * store.ts; this file goes once nothing imports it.
 */
export type { Store as SurveyRepository } from './store.ts';
export type * from './row-types.ts';
export type * from './roles/runs.ts';
export type * from './roles/findings.ts';
export type * from './roles/isp-attribution.ts';
export type * from './roles/darknet.ts';
