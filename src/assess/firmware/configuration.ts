/**
 * NVD configurations evaluated as written, in three-valued (Kleene) logic:
 *   criterion → TRUE / FALSE / UNKNOWN (criterion.ts);
 *   node      → OR / AND over its cpeMatch entries, then `negate`;
 *   config    → OR / AND over its nodes (absent operator = OR), then `negate`.
 * AND is FALSE if any is FALSE, else UNKNOWN if any is UNKNOWN, else TRUE; OR mirrors it.
 *
 * `vulnerable: false` entries are platform conditions: they take part in the logic but
 * cannot make a device affected alone. A configuration is "affected" only when it holds
 * AND at least one `vulnerable: true` entry outside negated parts holds — so the usual
 * IoT shape "firmware o: in range AND hardware h: model" needs both, and a device that
 * only matches the hardware is not affected.
 */
import type { AliasTable } from './aliases.ts';
import {
  compileCriterion,
  describeVerdict,
  judgeCriterion,
  judgeCriterionWithCpe,
  FALSE,
  TRUE,
  UNKNOWN,
  type CompiledCriterion,
  type CompiledPlatform,
  type Truth,
} from './criterion.ts';
import type { Configuration, MatchedOn, PlatformComponent } from './types.ts';

export interface CompiledNode {
  operator: 'AND' | 'OR';
  negate: boolean;
  criteria: CompiledCriterion[];
}

export interface CompiledConfiguration {
  operator: 'AND' | 'OR';
  negate: boolean;
  nodes: CompiledNode[];
}

export type MatchState = 'affected' | 'not-affected' | 'unknown';

export interface ConfigurationOutcome {
  state: MatchState;
  confidence: number;
}

/**
 * Compile a configuration once for many devices.
 * @example compileConfiguration(record.configurations[0], loadAliasTable()).nodes.length // 2
 */
export function compileConfiguration(configuration: Configuration, aliases: AliasTable): CompiledConfiguration {
  return {
    operator: configuration.operator ?? 'OR',
    negate: configuration.negate === true,
    nodes: configuration.nodes.map((node) => ({
      operator: node.operator === 'AND' ? 'AND' : 'OR',
      negate: node.negate === true,
      criteria: node.cpeMatch.map((entry) => compileCriterion(entry, aliases)),
    })),
  };
}

/**
 * Kleene combination with the confidence that goes with the result: an operand that does
 * not change the result is ignored; one that changes it brings its own confidence; one
 * that agrees with it is merged — the strongest of the decisive values (one sure FALSE
 * settles an AND), the weakest of the others (an AND is only as sure as its weakest TRUE).
 * Written as two functions over plain numbers so evaluation allocates nothing per operand.
 */
function combinedTruth(operator: 'AND' | 'OR', current: Truth, truth: Truth): Truth {
  return operator === 'AND' ? (truth < current ? truth : current) : truth > current ? truth : current;
}

function combinedConfidence(operator: 'AND' | 'OR', current: Truth, currentConfidence: number, truth: Truth, confidence: number): number {
  const result = combinedTruth(operator, current, truth);
  if (truth !== result) return currentConfidence;
  if (current !== result) return confidence;
  const decisive = operator === 'AND' ? FALSE : TRUE;
  return result === decisive ? Math.max(currentConfidence, confidence) : Math.min(currentConfidence, confidence);
}

/**
 * Evaluate a compiled configuration for a device: affected / not-affected / unknown.
 * @example evaluateConfiguration(compiled, compilePlatform(platform, aliases)) // { state: 'affected', confidence: 0.95 }
 */
export function evaluateConfiguration(configuration: CompiledConfiguration, device: CompiledPlatform): ConfigurationOutcome {
  const configOperator = configuration.operator;
  let applies: Truth = configOperator === 'AND' ? TRUE : FALSE;
  let appliesConfidence = 1;
  let vulnerable: Truth = FALSE;
  let vulnerableConfidence = 1;
  const nodes = configuration.nodes;
  for (let nodeIndex = 0; nodeIndex < nodes.length; nodeIndex++) {
    const node = nodes[nodeIndex];
    const operator = node.operator;
    let truth: Truth = operator === 'AND' ? TRUE : FALSE;
    let confidence = 1;
    const countsAsVulnerable = !node.negate && !configuration.negate;
    const criteria = node.criteria;
    for (let index = 0; index < criteria.length; index++) {
      const criterion = criteria[index];
      const verdict = judgeCriterion(criterion, device);
      confidence = combinedConfidence(operator, truth, confidence, verdict.truth, verdict.confidence);
      truth = combinedTruth(operator, truth, verdict.truth);
      if (countsAsVulnerable && criterion.vulnerable) {
        vulnerableConfidence = combinedConfidence('OR', vulnerable, vulnerableConfidence, verdict.truth, verdict.confidence);
        vulnerable = combinedTruth('OR', vulnerable, verdict.truth);
      }
    }
    if (node.negate) truth = (1 - truth) as Truth;
    appliesConfidence = combinedConfidence(configOperator, applies, appliesConfidence, truth, confidence);
    applies = combinedTruth(configOperator, applies, truth);
  }
  if (configuration.negate) applies = (1 - applies) as Truth;
  const finalConfidence = combinedConfidence('AND', applies, appliesConfidence, vulnerable, vulnerableConfidence);
  const final = combinedTruth('AND', applies, vulnerable);
  const state: MatchState = final === TRUE ? 'affected' : final === UNKNOWN ? 'unknown' : 'not-affected';
  return { state, confidence: Math.round(finalConfidence * 100) / 100 };
}

/**
 * Evidence for an outcome: the criteria that hold (affected), are undecided (unknown), or
 * that named the device but ruled it out (not affected), joined by "; ".
 * @example explainConfiguration(compiled, device, 'affected') // 'dlink:dir-600_firmware 2.15 in range ≤ 2.16ww; dlink:dir-600 hardware'
 */
export function explainConfiguration(configuration: CompiledConfiguration, device: CompiledPlatform, state: MatchState): string {
  const lines: string[] = [];
  const wantedTruth: Truth = state === 'affected' ? TRUE : state === 'unknown' ? UNKNOWN : FALSE;
  for (const node of configuration.nodes) {
    for (const criterion of node.criteria) {
      const { verdict, cpe } = judgeCriterionWithCpe(criterion, device);
      const relevant = state === 'unknown' ? verdict.truth !== FALSE : verdict.truth === wantedTruth && verdict.productMatched;
      if (!relevant) continue;
      const negated = node.negate || configuration.negate ? 'NOT ' : '';
      const line = negated + (cpe?.component ? `${componentLabel(cpe.component)}: ` : '') + describeVerdict(criterion, verdict, cpe);
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (lines.length === 0) return state === 'not-affected' ? 'no criterion of this configuration names the device' : 'configuration holds';
  return lines.join('; ');
}

/**
 * How evidence names a component: "component dropbear 2014.63".
 * @example componentLabel({ product: 'dropbear', version: '2014.63', cpe: '…' }) // 'component dropbear 2014.63'
 */
export function componentLabel(component: PlatformComponent): string {
  return `component ${component.product}${component.version ? ` ${component.version}` : ''}`;
}

/**
 * Which of the device's names decided an outcome: the names behind the `vulnerable: true`
 * entries (outside negated parts) that hold (affected), are not false (unknown), or named
 * the device (not affected). The device's own names come first, then components by product.
 * @example matchedOnOf(compiled, device, 'affected') // [{ kind: 'component', product: 'dropbear', version: '2014.63', cpe: 'cpe:2.3:a:dropbear_ssh_project:…' }]
 */
export function matchedOnOf(configuration: CompiledConfiguration, device: CompiledPlatform, state: MatchState): MatchedOn[] {
  let deviceFirmware = false;
  const components: PlatformComponent[] = [];
  for (const node of configuration.nodes) {
    if (node.negate || configuration.negate) continue;
    for (const criterion of node.criteria) {
      if (!criterion.vulnerable) continue;
      const { verdict, cpe } = judgeCriterionWithCpe(criterion, device);
      if (!cpe) continue;
      const decided = state === 'affected' ? verdict.truth === TRUE : state === 'unknown' ? verdict.truth !== FALSE : verdict.productMatched;
      if (!decided) continue;
      if (!cpe.component) deviceFirmware = true;
      else if (!components.includes(cpe.component)) components.push(cpe.component);
    }
  }
  const byProduct = (a: PlatformComponent, b: PlatformComponent) => a.product.localeCompare(b.product) || (a.version ?? '').localeCompare(b.version ?? '');
  return [
    ...(deviceFirmware ? [{ kind: 'device-firmware' as const }] : []),
    ...components.sort(byProduct).map(
      (component): MatchedOn => ({
        kind: 'component',
        product: component.product,
        ...(component.version ? { version: component.version } : {}),
        cpe: component.cpe,
      }),
    ),
  ];
}
