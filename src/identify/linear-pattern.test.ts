import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseExpanded, linearOrShort, longRepeatsInOneAlternative, patternTextLimit } from './linear-pattern.ts';
import { loadRuleFiles } from './rule-loader.ts';

test('case is written out for ASCII letters outside and inside classes; names, escapes and counts are left alone', () => {
  assert.equal(caseExpanded('^ab', true), '^[aA][bB]');
  assert.equal(caseExpanded('^ab', false), '^ab');
  assert.equal(caseExpanded('[b-d]x', true), '[B-Db-d][xX]');
  assert.equal(caseExpanded('[^-q-]', true), '[^Q\\-q-]', 'a leading "-" is escaped once letters go before it');
  assert.equal(caseExpanded('(?<model>\\w+)\\k<model>\\d{2,3}\\.', true), '(?<model>\\w+)\\k<model>\\d{2,3}\\.');
  assert.equal(caseExpanded('a(?i:b)c', false), 'a(?:[bB])c');
  assert.equal(caseExpanded('(?-i:a)b', true), '(?:a)[bB]');
  assert.equal(caseExpanded('[0-9A-Fa-f]', true), '[0-9A-Fa-f]', 'nothing to add');
  assert.equal(caseExpanded('[!-~]', true), '[!-~]', 'a range holding both cases already');
  assert.equal(caseExpanded('\\x41', true), undefined, 'a letter written as a code');
  assert.equal(caseExpanded('[\\t-z]', true), undefined, 'a range from an escape');
  assert.equal(caseExpanded('(?m:a)', true), undefined, 'another modifier');
  assert.equal(caseExpanded('café', true), undefined, 'é also matches É: not written out here');
  assert.equal(caseExpanded('[a-é]', true), undefined, 'a range past ASCII');
  assert.equal(caseExpanded('[xé]', true), undefined);
  assert.equal(caseExpanded('café', false), 'café', 'where case matters, nothing to do');
  assert.equal(caseExpanded('caf\\.1', true), '[cC][aA][fF]\\.1');
});

test('a case-expanded twin matches exactly what the case-insensitive pattern matches, on the shipped rules and mixed-case texts', () => {
  let twins = 0;
  let compared = 0;
  for (const rule of loadRuleFiles().rules) {
    const source = rule.pattern.source;
    if (!/\[[a-zA-Z]{2}\]/.test(source)) continue;
    // Rebuild the pattern as written: every [xX] pair back to one letter, with the i flag.
    const written = new RegExp(
      source.replace(/\[([a-zA-Z])([a-zA-Z])\]/g, (whole, a: string, b: string) => (a.toLowerCase() === b.toLowerCase() ? a : whole)),
      `${rule.pattern.flags}i`,
    );
    twins++;
    const letters = source.replace(/[^A-Za-z0-9 ./:-]/g, '');
    for (let seed = 0; seed < 40; seed++) {
      // Texts close to the pattern: its own letters in random case, cut at random places.
      const mixed = [...letters].map((char, at) => ((at * 7 + seed) % 3 === 0 ? char.toUpperCase() : char.toLowerCase())).join('');
      for (const text of [mixed, mixed.slice(seed % 5), `${mixed} 1.2.3`, mixed.replace(/ /g, '')]) {
        assert.deepEqual(rule.pattern.exec(text)?.slice(), written.exec(text)?.slice(), `${rule.id} on ${JSON.stringify(text)}`);
        compared++;
      }
    }
  }
  assert.ok(twins >= 20, `shipped rules with case written out: ${twins}`);
  assert.ok(compared > 3000);
});

test('a runaway match moves to the linear-time engine: a pattern cubic on a hostile banner ends (without it, 16 KB takes minutes)', { timeout: 30_000 }, () => {
  const runnable = linearOrShort('^Server: (.*) ver (.*) (.*)$', '');
  assert.equal(runnable.linear, true);
  assert.equal(runnable.readsAtMost, patternTextLimit.full);
  // Many places to split at, and a line end just before the end that no `.` crosses: no match.
  const hostile = `Server: ${' ver '.repeat((patternTextLimit.full - 16) / 5)}\nx`;
  assert.equal(runnable.regex.test(hostile), false);
  assert.deepEqual(runnable.regex.exec('Server: a ver b c')?.slice(1), ['a', 'b', 'c'], 'ordinary banners match as before');
  // Case-insensitive: only its twin fits the linear engine.
  const caseless = linearOrShort('^server: (.*) ver (.*) (.*)$', 'i');
  assert.equal(caseless.linear, true);
  assert.equal(caseless.regex.test(hostile.toUpperCase()), false);
  // A letter outside ASCII keeps the flag (and the backtracking engine): É still matches é.
  const accented = linearOrShort('^caméra (.*)$', 'i');
  assert.equal(accented.linear, false);
  assert.equal(accented.regex.test('CAMÉRA x'), true);
});

test('a pattern the linear-time engine cannot run, with two long repetitions in one alternative, reads the short stretch of a field', () => {
  const risky = linearOrShort('(?:Connect-OWS?) .{0,1000} Copyright .{0,1000} Redline', '');
  assert.equal(risky.linear, false);
  assert.equal(risky.readsAtMost, patternTextLimit.short);
  // One long repetition per alternative costs at most its length per place: the full stretch.
  const water = linearOrShort('(?:pump station|flow rate).{0,200}(?:logger|RTU)|(?:logger|RTU).{0,200}(?:pump station|flow rate)', 'is');
  assert.equal(water.linear, false);
  assert.equal(water.readsAtMost, patternTextLimit.full);
  assert.equal(longRepeatsInOneAlternative('a.{0,200}b|c.{0,200}d'), 1);
  assert.equal(longRepeatsInOneAlternative('^(\\S{1,64}) v(\\d+\\..+) FTP'), 3);
  assert.equal(longRepeatsInOneAlternative('a{2,3}b{1,5}[*+]'), 0);
});
