import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from './errors.ts';
import { createFieldReader, parseDataFile } from './data-file.ts';

/** What parseDataFile threw, checked to be a located, coded error. */
function refusal(text: string): OpenNoticeError {
  try {
    parseDataFile(text, 'rules/local.yaml', 'RULES_INVALID');
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError, `threw ${String(error)}`);
    assert.equal(error.code, 'RULES_INVALID');
    assert.equal(error.context.file, 'rules/local.yaml');
    assert.equal(error.describe().split('rules/local.yaml').length - 1, 1, error.describe());
    return error;
  }
  return assert.fail('refused');
}

test('nesting deep enough to exhaust the stack is a located error, not a RangeError (found by npm run fuzz)', () => {
  assert.match(refusal(`rules: ${'['.repeat(200_000)}`).message, /too deeply|Maximum call stack/);
  assert.match(refusal(`rules:\n${'- '.repeat(200_000)}x\n`).message, /too deeply|syntax error/);
});

test('a "billion laughs" file is refused by its alias count', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 8; level++)
    lines.push(
      `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + level)}`)
        .join(', ')}]`,
    );
  assert.match(refusal(lines.join('\n')).message, /alias/);
});

test('100 KB of noise is refused quickly, with the first problem only', () => {
  const noise = Array.from({ length: 20_000 }, (_, index) => `k${index}: [}\n`).join('');
  const began = performance.now();
  assert.match(refusal(noise).message, /^syntax error/);
  assert.ok(performance.now() - began < 5000, 'in seconds, not minutes');
});

test('a refused value is quoted cut short: a megabyte of input is not repeated in the error line (found by npm run fuzz)', () => {
  const dataFile = parseDataFile(`kind: "${'x'.repeat(100_000)}"\n`, 'rules/local.yaml', 'RULES_INVALID');
  const read = createFieldReader(dataFile, 'RULES_INVALID');
  const root = read.object(dataFile.data, []);
  assert.throws(
    () => read.oneOf(root.kind, ['kind'], ['camera', 'router']),
    (error: unknown) => error instanceof OpenNoticeError && error.describe().length < 300 && /got "x{80}…"/.test(error.message),
  );
});

test('a map key that is itself a list or map is a located error, not a process warning (found by npm run fuzz)', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    for (const [text, line] of [
      ['rules:\n  - id: a\n    ? [x, y]\n    : 1\n', 3],
      ['{ { a: 1 }: 2 }\n', 1],
      // Pairs outside a map: a `!!pairs` list (the million-input ISP registry and rules runs).
      ['isps:\n  - name: !!pairs [ [x]: 1 ]\n', 2],
      ['a: !!pairs [ {[x]: 1} ]\n', 1],
      // A tagged scalar key (the rules run: `sets: {!!binary  vendor: Acme}`).
      ['rules:\n  - sets: {!!binary  vendor: Acme}\n', 2],
      ['? !!timestamp 2001-12-14\n: 1\n', 1],
    ] as const) {
      const error = refusal(text);
      assert.match(error.message, /a map key is itself a list, a map or an alias|a map key is binary data or a date/);
      assert.equal(error.context.line, line);
    }
    assert.equal(parseDataFile('a: 1\nb: [x]\n', 'rules/local.yaml', 'RULES_INVALID').data instanceof Object, true, 'scalar keys still load');
    // Node emits a warning on a later tick: wait for it before looking.
    await new Promise(setImmediate);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});
