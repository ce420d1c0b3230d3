/**
 * Precedence between our rules and Recog's (docs/fingerprints.md, "Precedence"). Our rules —
 * the shipped ones, the lab's, an operator's — decide the identity whenever they name a
 * vendor; Recog's rules may then only add what ours left open (a model, a version) for that
 * same vendor, and never contradict a model or version ours found. When ours name no vendor
 * (at most the software components our component rules saw), Recog's decide, by the engine's
 * usual vote, and the components stay. So loading Recog can add identities and fill gaps, but
 * never change a vendor, model or version our rules give.
 */
import type { DeviceIdentity } from '../core/records.ts';
import { createIdentifier, type Identifier, type RuleMatch } from './engine.ts';
import { buildCatalogue, resolveIdentity } from './resolve.ts';
import { normaliseKey } from './rule-types.ts';
import type { LoadedRules } from './rule-sources.ts';

/**
 * An identifier over a loaded rule set that ranks our rules above Recog's.
 * @example
 * const identifier = createRankedIdentifier(loadRuleSources({ ruleFiles, recogFiles }));
 * identifier.identify('192.0.2.7', observations)
 */
export function createRankedIdentifier(loaded: LoadedRules): Identifier {
  const engine = createIdentifier(loaded.ruleSet);
  if (loaded.recogRuleIds.size === 0) return engine;
  const catalogue = buildCatalogue(loaded.ruleSet.products);
  const isRecog = (match: RuleMatch) => loaded.recogRuleIds.has(match.rule.id);
  return {
    match: engine.match,
    identify(_ip, observations): DeviceIdentity | undefined {
      const matches = engine.match(observations);
      const ours = matches.filter((match) => !isRecog(match));
      const identity = resolveIdentity(ours, catalogue);
      // No vendor of ours (at most the software our component rules saw): Recog's vote decides, components kept.
      const vendor = identity?.vendor;
      if (identity === undefined || vendor === undefined) return resolveIdentity(matches, catalogue);
      const agreeing = matches.filter((match) => isRecog(match) && agreesWith(match.facts, { ...identity, vendor }));
      return agreeing.length === 0 ? identity : resolveIdentity([...ours, ...agreeing], catalogue);
    },
  };
}

/** Same vendor, and the same model and version wherever both say one. */
function agreesWith(facts: RuleMatch['facts'], identity: DeviceIdentity & { vendor: string }): boolean {
  const same = (theirs: string | undefined, ours: string | undefined) =>
    theirs === undefined || ours === undefined || normaliseKey(theirs) === normaliseKey(ours);
  return (
    facts.vendor !== undefined &&
    normaliseKey(facts.vendor) === normaliseKey(identity.vendor) &&
    same(facts.model, identity.model) &&
    same(facts.version, identity.firmwareVersion)
  );
}
