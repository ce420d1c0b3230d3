import { fileURLToPath } from 'node:url';
import { createRankedIdentifier } from '../identify/precedence.ts';
import { defaultRulesDirectory, ruleFilesIn } from '../identify/rule-loader.ts';
import { loadRuleSources, rulePathSources, type RuleSources } from '../identify/rule-sources.ts';
import { shippedProtocols, type ProtocolRegistry } from '../protocols/registry.ts';
import type { SurveyProgress } from '../survey/progress.ts';
import type { SurveyDeps, SurveyStore } from '../survey/run-survey.ts';

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
   * show, so they belong to surveys of the lab: the survey asks for them only when its whole
   * scope is on loopback, where the lab runs. A survey of real addresses never loads them.
   */
  labRules: boolean;
  /** Rule files instead of the shipped real-world ones (src/identify/rules/); the lab's are added to these when labRules is set. */
  ruleFiles?: readonly string[];
  /** An operator's rule paths (a survey request's `rules`): folders or files of our YAML rules and Recog XML databases. */
  operatorRules?: readonly string[];
}

/**
 * The rule files a survey loads: the shipped real-world rules (or the caller's), then the lab's when asked for.
 * @example surveyRuleFiles({ labRules: settings.scope.loopbackOnly }) // ['/…/identify/rules/common.yaml', …]
 */
export function surveyRuleFiles(options: SurveyRuleOptions): string[] {
  return [...(options.ruleFiles ?? ruleFilesIn(defaultRulesDirectory)), ...(options.labRules ? ruleFilesIn(labRulesDirectory) : [])];
}

/**
 * Every rule source of a survey, in precedence order (docs/fingerprints.md, "Precedence"):
 * the shipped rules, the lab's (loopback scopes only), the operator's YAML files; then the
 * operator's Recog databases, a lower tier that never overrules the others.
 * @example surveyRuleSources({ labRules: false, operatorRules: ['/data/recog/xml'] }) // { ruleFiles: ['/…/common.yaml', …], recogFiles: ['/data/recog/xml/ftp_banners.xml', …] }
 */
export function surveyRuleSources(options: SurveyRuleOptions): RuleSources {
  const operator = rulePathSources(options.operatorRules ?? []);
  return { ruleFiles: [...surveyRuleFiles(options), ...operator.ruleFiles], recogFiles: operator.recogFiles };
}

export interface SurveyWiring {
  store: SurveyStore;
  signal?: AbortSignal;
  onProgress?: (progress: SurveyProgress) => void;
  now?: () => Date;
  /** Rule files instead of the shipped real-world ones. */
  ruleFiles?: readonly string[];
  /** Default: the shipped protocols. */
  protocols?: ProtocolRegistry;
}

/**
 * Wire the survey to the shipped protocols and rule files. The rules load (and are validated)
 * when the survey has decided its scope — the lab's rules only for a scope all on loopback —
 * with the request's own rule paths (YAML and Recog XML) beside them, before any packet is
 * sent, so a bad rule file fails fast.
 * @example const summary = await runSurvey(request, createSurveyDeps({ store, signal }))
 */
export function createSurveyDeps(options: SurveyWiring): SurveyDeps {
  const protocols = options.protocols ?? shippedProtocols;
  return {
    store: options.store,
    protocols,
    identification: (scope, operatorRules = []) => {
      const sources = surveyRuleSources({ labRules: scope.loopbackOnly, operatorRules, ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}) });
      const identifier = createRankedIdentifier(loadRuleSources(sources, protocols.fieldTables));
      return (ip, observations) => identifier.identify(ip, observations);
    },
    signal: options.signal,
    onProgress: options.onProgress,
    now: options.now,
  };
}
