import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData } from '../../test/support/shared-data.ts';
import { surveyRuleFiles } from '../cli/survey-deps.ts';
import { linearOrShort, longRepeatsInOneAlternative, patternTextLimit } from './linear-pattern.ts';
import { loadRuleSources } from './rule-sources.ts';

/**
 * Texts built from a pattern's own words, as a device that wants to stall identification would
 * send: its literal words again and again, so every open-ended part has many places to split,
 * and never the ending that would let the match succeed or fail at once.
 */
function hostileTexts(source: string, length: number): string[] {
  const words = source
    .replace(/\\[dDwWsSbB]|\\.|\[[^\]]*\]|\(\?[:=!<]?(?:[A-Za-z]+>)?|[()*+?{}|^$]|\d+,?\d*/g, '  ')
    .split(/ {2,}/)
    .map((word) => word.trim())
    .filter((word) => word.length > 0);
  const fill = (unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const all = words.join(' ');
  return [fill(`${all} `), fill(`${words[0] ?? 'a'} `), fill(`${all}\n`), `${words.slice(0, -1).join(' ')} ${'a'.repeat(length)}`];
}

// Before V8's linear-time fallback was switched on, these texts took 11 minutes on one Recog
// fingerprint (`(?s:^.*Welcome to MELCO Print Server.*Server Name *: *…`) and 23 s on another
// text of it; all of them now take under a second together.
test('every shipped rule and public Recog fingerprint runs linearly or reads the short stretch, and ends on texts built from its own words', {
  timeout: 120_000,
}, () => {
  const recogDirectory = sharedData('recog/xml/');
  const recogFiles = readdirSync(recogDirectory)
    .filter((name) => name.endsWith('.xml'))
    .map((name) => join(recogDirectory, name));
  const { ruleSet } = loadRuleSources({ ruleFiles: surveyRuleFiles({ labRules: false }), recogFiles });
  const kinds = { linear: 0, short: 0, oneLongPart: 0 };
  let texts = 0;
  for (const rule of ruleSet.rules) {
    const runnable = linearOrShort(rule.pattern.source, rule.pattern.flags);
    if (runnable.linear) kinds.linear++;
    else if (rule.readsAtMost === patternTextLimit.short) kinds.short++;
    else {
      assert.ok(longRepeatsInOneAlternative(rule.pattern.source) <= 1, `${rule.id} neither runs linearly nor reads the short stretch`);
      kinds.oneLongPart++;
    }
    for (const text of hostileTexts(rule.pattern.source, rule.readsAtMost)) {
      rule.pattern.exec(text);
      texts++;
    }
  }
  assert.ok(ruleSet.rules.length > 800, `rules: ${ruleSet.rules.length}`);
  assert.ok(kinds.linear / ruleSet.rules.length > 0.9, `linear: ${JSON.stringify(kinds)}`);
  assert.equal(texts, ruleSet.rules.length * 4);
});
