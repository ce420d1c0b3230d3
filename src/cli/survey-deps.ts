import { credentialCheckers } from '../assess/credentials/registry.ts';
import { grabberForPort } from '../protocols/registry.ts';
import { createIdentifier } from '../identify/engine.ts';
import { loadRuleFiles } from '../identify/rule-loader.ts';
import type { SurveyRepository } from '../store/repository.ts';
import type { SurveyDeps } from '../survey/run-survey.ts';
import type { SurveyProgress } from '../survey/progress.ts';

/**
 * Wire the survey to the shipped registries and rule files. Rules load (and are
 * validated) here, before any packet is sent, so a bad rule file fails fast.
 */
export function createSurveyDeps(options: {
  store: SurveyRepository;
  signal?: AbortSignal;
  onProgress?: (progress: SurveyProgress) => void;
  ruleFiles?: string[];
}): SurveyDeps {
  const identifier = createIdentifier(loadRuleFiles(options.ruleFiles));
  return {
    store: options.store,
    grabberFor: grabberForPort,
    checkers: credentialCheckers,
    identify: (ip, observations) => identifier.identify(ip, observations),
    signal: options.signal,
    onProgress: options.onProgress,
  };
}
