/**
 * `opennotice survey --plan-probes BUDGET`: a lightweight round that dials only the probes the
 * probe planner picks from what the store knows (docs/lightweight-scanning.md) — a share of
 * the full sweep ("20%") or a count ("50000"). Read here; planned in survey/probe-planner/.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { ProbeBudget } from '../survey/probe-planner/plan.ts';
import type { SurveyRequest } from '../survey/request.ts';
import type { OptionSpecs } from './command.ts';

export const planProbesOptionSpecs = {
  'plan-probes': {
    type: 'string',
    valueName: 'BUDGET',
    description:
      'lightweight round: dial only the probes the planner picks from earlier rounds, up to BUDGET — a share of the full sweep (20%) or a count (50000); the full sweep is the default',
  },
} as const satisfies OptionSpecs;

/**
 * The budget `--plan-probes` names.
 * @example parseProbeBudget('20%') // { share: 0.2 }
 * @example parseProbeBudget('50000') // { count: 50000 }
 */
export function parseProbeBudget(text: string): ProbeBudget {
  const share = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (share) {
    const percent = Number(share[1]);
    if (percent > 0 && percent <= 100) return { share: percent / 100 };
    throw new OpenNoticeError('USAGE', `--plan-probes ${text}: a share must be above 0 % and at most 100 %`);
  }
  if (/^\d+$/.test(text.trim())) {
    const count = Number(text.trim());
    if (Number.isSafeInteger(count) && count >= 1) return { count };
  }
  throw new OpenNoticeError('USAGE', `--plan-probes "${text}": give a share of the full sweep like 20% or a number of probes like 50000`);
}

/**
 * The request with its discovery planned, when `--plan-probes` is given; planned rounds replace
 * the sweep, so they do not mix with open ports read from a file or with resuming a run.
 * @example withPlannedProbes(request, { 'plan-probes': '20%' }).discovery // { kind: 'planned-probes', budget: { share: 0.2 } }
 */
export function withPlannedProbes(request: SurveyRequest, values: { 'plan-probes'?: string; distributed?: boolean }): SurveyRequest {
  const raw = values['plan-probes'];
  if (raw === undefined) return request;
  const budget = parseProbeBudget(raw);
  if (request.discovery) throw new OpenNoticeError('USAGE', '--plan-probes plans the connect scan: it does not combine with --input (open ports from a file)');
  if (request.resume !== undefined) throw new OpenNoticeError('USAGE', '--plan-probes does not combine with --resume: start a new planned round instead');
  if (values.distributed) throw new OpenNoticeError('USAGE', '--plan-probes does not combine with --distributed: a planned round runs on one machine');
  return { ...request, discovery: { kind: 'planned-probes', budget } };
}
