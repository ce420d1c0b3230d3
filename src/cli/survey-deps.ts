import { createIdentifier } from '../identify/engine.ts';
import { loadRuleFiles } from '../identify/rule-loader.ts';
import { shippedProtocols, type ProtocolRegistry } from '../protocols/registry.ts';
import type { SurveyRepository } from '../store/repository.ts';
import type { SurveyProgress } from '../survey/progress.ts';
import type { SurveyDeps } from '../survey/run-survey.ts';

export interface SurveyWiring {
  store: SurveyRepository;
  signal?: AbortSignal;
  onProgress?: (progress: SurveyProgress) => void;
  now?: () => Date;
  /** Rule files instead of the shipped ones. */
  ruleFiles?: string[];
  /** Default: the shipped protocols. */
  protocols?: ProtocolRegistry;
}

/**
 * Wire the survey to the shipped protocols and rule files. The rules load (and are validated)
 * when the survey has decided its scope, before any packet is sent, so a bad rule file fails fast.
 * @example const summary = await runSurvey(request, createSurveyDeps({ store, signal }))
 */
export function createSurveyDeps(options: SurveyWiring): SurveyDeps {
  const protocols = options.protocols ?? shippedProtocols;
  return {
    store: options.store,
    protocols,
    identification: () => {
      const identifier = createIdentifier(loadRuleFiles(options.ruleFiles, protocols.fieldTables));
      return (ip, observations) => identifier.identify(ip, observations);
    },
    signal: options.signal,
    onProgress: options.onProgress,
    now: options.now,
  };
}
