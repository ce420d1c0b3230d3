import { fileURLToPath } from 'node:url';
import { credentialCheckers } from '../assess/credentials/registry.ts';
import { grabberForPort } from '../grabbers/registry.ts';
import { createIdentifier } from '../identify/engine.ts';
import { defaultRulesDirectory, loadRuleFiles, ruleFilesIn } from '../identify/rule-loader.ts';
import type { SurveyRepository } from '../store/repository.ts';
import type { SurveyDeps } from '../survey/run-survey.ts';
import type { SurveyProgress } from '../survey/progress.ts';

/**
 * The lab's fingerprint rules (its fictional vendors and its simulations of real routers).
 * Read here as data, by path, never by importing lab code: the survey must not depend on the
 * lab (src/lab/imports.test.ts), and rule files are data either way. `npm run build` copies
 * them to dist/lab/rules/ beside the compiled lab, so the same relative path holds there.
 */
export const labRulesDirectory = fileURLToPath(new URL('../lab/rules/', import.meta.url));

export interface SurveyRuleOptions {
  /**
   * Add the lab's fingerprint rules. They describe only what the lab's simulated devices
   * show, so they belong to surveys of the lab: callers pass `scope.loopbackOnly` (the lab
   * runs on loopback). A survey of real addresses never loads them.
   */
  labRules: boolean;
  /** Rule files instead of the shipped real-world ones (src/identify/rules/); the lab's are added to these when labRules is set. */
  ruleFiles?: string[];
}

export interface SurveyDepsOptions extends SurveyRuleOptions {
  store: SurveyRepository;
  signal?: AbortSignal;
  onProgress?: (progress: SurveyProgress) => void;
}

/**
 * The rule files a survey loads: the shipped real-world rules (or the caller's), then the lab's when asked for.
 * @example surveyRuleFiles({ labRules: config.scope.loopbackOnly }) // ['/…/identify/rules/common.yaml', …]
 */
export function surveyRuleFiles(options: SurveyRuleOptions): string[] {
  return [...(options.ruleFiles ?? ruleFilesIn(defaultRulesDirectory)), ...(options.labRules ? ruleFilesIn(labRulesDirectory) : [])];
}

/**
 * Wire the survey to the shipped registries and rule files. Rules load (and are
 * validated) here, before any packet is sent, so a bad rule file fails fast.
 * @example const deps = createSurveyDeps({ store, labRules: config.scope.loopbackOnly })
 */
export function createSurveyDeps(options: SurveyDepsOptions): SurveyDeps {
  const identifier = createIdentifier(loadRuleFiles(surveyRuleFiles(options)));
  return {
    store: options.store,
    grabberFor: grabberForPort,
    checkers: credentialCheckers,
    identify: (ip, observations) => identifier.identify(ip, observations),
    signal: options.signal,
    onProgress: options.onProgress,
  };
}
