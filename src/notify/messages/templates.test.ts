import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDataFile } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { fill } from './interpolate.ts';
import { defaultMessagesDirectory, loadMessageTemplates, parseLanguageTemplates } from './templates.ts';

const shipped = (language: string) => readFileSync(path.join(defaultMessagesDirectory, `${language}.yaml`), 'utf8');
const parse = (text: string) => parseLanguageTemplates(parseDataFile(text, 'en.yaml', 'CONFIG_INVALID'));
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

test('the shipped Japanese and English texts load and validate', () => {
  const templates = loadMessageTemplates();
  assert.equal(templates.ja.language, 'ja');
  assert.equal(templates.en.language, 'en');
  assert.equal(templates.ja.time.offsetMinutes, 540);
  assert.equal(templates.en.cover.kindLine, '  - {kindName}: {count}', 'list indentation is kept');
});

test('a placeholder a text may not use is an error at its file and line', () => {
  const text = shipped('en').replace("subject: 'Important:", "subject: 'Important {ip}:");
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.equal(error.context.line, lineOf(text, 'Important {ip}'));
      assert.match(error.message, /notice\.subject: unknown placeholder \{ip\}/);
      return true;
    },
  );
});

test('missing texts, unknown fields and multi-line subjects are rejected', () => {
  assert.throws(() => parse(shipped('en').replace(/^ {2}date: .*$/m, '')), /time\.date: missing "date"/);
  assert.throws(() => parse(shipped('en').replace('language: en', 'language: en\nsignature: x')), /unknown field "signature"/);
  assert.throws(
    () => parse(shipped('en').replace("  kindLine: '  - {kindName}: {count}'", '  kindLine: |\n    - {kindName}\n    {count}')),
    /cover\.kindLine: must be a single line/,
  );
  assert.throws(() => parse(shipped('en').replace('language: en', 'language: fr')), /expected one of ja, en/);
});

test('fill inserts values once: a value that looks like a placeholder stays literal', () => {
  assert.equal(fill('{a} and {b}', { a: '{b}', b: 'B' }), '{b} and B');
});

test('fill keeps inline values on one line and leaves out lines whose value is unknown', () => {
  assert.equal(fill('Device: {name}.', { name: 'Cam\r\nBcc: x\u0007' }), 'Device: Cam Bcc: x.');
  assert.equal(fill('Hello\nContact: {contact}\nBye', { contact: undefined }), 'Hello\nBye');
  assert.equal(fill('Hello\nContact: {contact}', { contact: '' }), 'Hello');
  assert.equal(fill('List:\n{items}', {}, { items: '  - a\n  - b\u001b' }), 'List:\n  - a\n  - b');
});
