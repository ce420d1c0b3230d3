/**
 * The identification engine: runs compiled fingerprint rules over the service
 * observations of one address and resolves what matched into a DeviceIdentity.
 */
import type { DeviceIdentity, ServiceObservation, SoftwareComponent } from '../core/records.ts';
import { formatCpe } from './cpe.ts';
import { buildCatalogue, matchedTextLimit, normaliseVersion, resolveIdentity, type RuleMatch } from './resolve.ts';
import { patternTextLimit } from './linear-pattern.ts';
import { readResultText } from './result-fields.ts';
import type { FingerprintRule, RuleComponent, RuleFacts, RuleSet } from './rule-types.ts';
import { shippedProtocols } from '../protocols/registry.ts';

export type { RuleMatch } from './resolve.ts';

/**
 * The most characters of one field a rule pattern reads (a pattern that might be slow by a power
 * of the length reads less: linear-pattern.ts). Rules with nested quantifiers are refused at
 * load (pattern-risk.ts); a runaway match of most others moves to V8's linear-time engine.
 */
export const identifyTextLimit = patternTextLimit.full;

export interface Identifier {
  /**
   * What the device at `ip` is: undefined when no matching rule names a vendor and none shows
   * a software component; without a vendor but with components, an identity without `vendor`.
   */
  identify(ip: string, observations: readonly ServiceObservation[]): DeviceIdentity | undefined;
  /** Every rule that matched, including partial ones: for `explain` output and rule testing. */
  match(observations: readonly ServiceObservation[]): RuleMatch[];
}

/** Rules that read the same field of the same protocol share one field lookup. */
interface FieldGroup {
  fieldPath: readonly string[];
  rules: Array<{ rule: FingerprintRule; order: number }>;
}

/**
 * Build an identifier over a loaded rule set. Rules are grouped by protocol and field
 * once here, so a device only pays for the rules of the protocols it actually speaks.
 * @example
 * const identifier = createIdentifier(loadRuleFiles());
 * identifier.identify('127.0.0.5', observations) // { vendor: 'Korvan', model: 'IPC-2120', … }
 */
export function createIdentifier(ruleSet: RuleSet, ruleAliases: ReadonlyMap<string, string> = shippedProtocols.ruleAliases): Identifier {
  const byProtocol = groupRules(ruleSet.rules);
  // A service is read by its own protocol's rules and by those of the protocol it is the TLS form of.
  const groupsFor = (protocol: string): FieldGroup[] => {
    const alias = ruleAliases.get(protocol);
    return [...(byProtocol.get(protocol) ?? []), ...(alias ? (byProtocol.get(alias) ?? []) : [])];
  };
  const catalogue = buildCatalogue(ruleSet.products);

  const match = (observations: readonly ServiceObservation[]): RuleMatch[] => {
    const matches: RuleMatch[] = [];
    // A rule counts once per address (its first match), so a device that serves the same
    // web page on ports 80 and 8080 does not outvote one seen on telnet and SSH.
    const matchedRuleIds = new Set<string>();
    for (const observation of observations) {
      const groups = groupsFor(observation.protocol);
      if (groups.length === 0 || !observation.result) continue;
      for (const group of groups) {
        const whole = readResultText(observation.result, group.fieldPath);
        if (whole === undefined) continue;
        const full = whole.length > identifyTextLimit ? whole.slice(0, identifyTextLimit) : whole;
        // Cut only when a rule that reads the short stretch meets a longer field (few do).
        let short: string | undefined;
        for (const { rule, order } of group.rules) {
          if (matchedRuleIds.has(rule.id)) continue;
          const readsShort = rule.readsAtMost === patternTextLimit.short && full.length > patternTextLimit.short;
          const text = readsShort ? (short ??= full.slice(0, patternTextLimit.short)) : full;
          const found = rule.pattern.exec(text);
          if (!found) continue;
          matchedRuleIds.add(rule.id);
          const ruleMatch: RuleMatch = {
            rule,
            order,
            protocol: observation.protocol,
            port: observation.port,
            matched: found[0].slice(0, matchedTextLimit),
            facts: factsOf(rule, found),
          };
          if (rule.component) ruleMatch.component = componentOf(rule, rule.component, found, observation);
          matches.push(ruleMatch);
        }
      }
    }
    return matches;
  };

  return {
    match,
    identify: (_ip, observations) => resolveIdentity(match(observations), catalogue),
  };
}

function groupRules(rules: readonly FingerprintRule[]): Map<string, FieldGroup[]> {
  const byProtocol = new Map<string, Map<string, FieldGroup>>();
  rules.forEach((rule, order) => {
    const groups = byProtocol.get(rule.protocol) ?? new Map<string, FieldGroup>();
    byProtocol.set(rule.protocol, groups);
    const group = groups.get(rule.field) ?? { fieldPath: rule.fieldPath, rules: [] };
    groups.set(rule.field, group);
    group.rules.push({ rule, order });
  });
  return new Map([...byProtocol].map(([protocol, groups]) => [protocol, [...groups.values()]]));
}

/**
 * The rule's constants with non-empty captures laid over them; versions normalised. In a
 * rule with a component the `version` capture is the component's (componentOf), not a fact.
 */
function factsOf(rule: FingerprintRule, found: RegExpExecArray): RuleFacts {
  const facts: RuleFacts = { ...rule.sets };
  if (found.groups) {
    for (const name of rule.captures) {
      if (name === 'version' && rule.component) continue;
      const captured = found.groups[name]?.trim();
      if (captured) facts[name] = captured;
    }
  }
  if (facts.version !== undefined) {
    const version = normaliseVersion(facts.version);
    if (version) facts.version = version;
    else delete facts.version;
  }
  return facts;
}

/** The software a component rule saw: its version from the capture (else the constant), its CPE. */
function componentOf(rule: FingerprintRule, component: RuleComponent, found: RegExpExecArray, observation: ServiceObservation): SoftwareComponent {
  const captured = rule.captures.includes('version') ? normaliseVersion(found.groups?.version ?? '') : '';
  const version = captured || component.version || undefined;
  return {
    product: component.product,
    ...(version === undefined ? {} : { version }),
    cpe: formatCpe({ part: component.part, vendor: component.cpeVendor, product: component.cpeProduct, version }),
    ruleId: rule.id,
    protocol: observation.protocol,
    port: observation.port,
  };
}
