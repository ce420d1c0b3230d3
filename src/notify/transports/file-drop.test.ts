import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileDropTransport, fileStem } from './file-drop.ts';
import { parseMimeMessage } from './mime-parse.ts';
import type { OutgoingMessage } from './types.ts';

const message: OutgoingMessage = {
  idempotencyKey: 'report/isp-7:2025-01',
  from: 'notice@cert.example',
  to: [],
  subject: '脆弱なIoT機器のお知らせ',
  text: '本文です。\n',
  attachments: [{ filename: '../調査結果.csv', contentType: 'text/csv; charset=utf-8', content: 'ip,port\n192.0.2.1,23\n' }],
  json: { isp: 'isp-7', count: 1 },
};

function withDirectory(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-drop-'));
  return body(directory).finally(() => rmSync(directory, { recursive: true, force: true }));
}

test('writes the .eml, the .json and each attachment under safe names, nothing else', async () => {
  await withDirectory(async (directory) => {
    const outcome = await createFileDropTransport({ directory, messageIdDomain: 'cert.example' }).send(message);
    assert.equal(outcome.status, 'delivered');
    const stem = 'report%2Fisp-7%3A2025-01';
    assert.deepEqual(readdirSync(directory).sort(), [`${stem}--1-..%2F%E8%AA%BF%E6%9F%BB%E7%B5%90%E6%9E%9C.csv`, `${stem}.eml`, `${stem}.json`].sort());
    const parsed = parseMimeMessage(readFileSync(join(directory, `${stem}.eml`), 'latin1'));
    assert.equal(parsed.subject, message.subject);
    assert.equal(parsed.text, message.text);
    assert.equal(parsed.messageId, `<${stem}@cert.example>`);
    assert.deepEqual(JSON.parse(readFileSync(join(directory, `${stem}.json`), 'utf8')), message.json);
    assert.equal(readFileSync(join(directory, `${stem}--1-..%2F%E8%AA%BF%E6%9F%BB%E7%B5%90%E6%9E%9C.csv`), 'utf8'), message.attachments[0].content);
  });
});

test('the same key twice leaves one set of files, untouched by the second send', async () => {
  await withDirectory(async (directory) => {
    const drop = createFileDropTransport({ directory });
    await drop.send(message);
    const before = readFileSync(join(directory, `${fileStem(message.idempotencyKey)}.eml`), 'latin1');
    const again = await drop.send({ ...message, text: 'changed' });
    assert.equal(again.status, 'delivered');
    assert.match(again.detail, /already present/);
    assert.equal(readdirSync(directory).length, 3);
    assert.equal(readFileSync(join(directory, `${fileStem(message.idempotencyKey)}.eml`), 'latin1'), before);
  });
});

test('concurrent sends of one key produce one .eml and no temporary files', async () => {
  await withDirectory(async (directory) => {
    const drop = createFileDropTransport({ directory });
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, index) => drop.send({ ...message, text: `copy ${index}` })));
    assert.ok(outcomes.every((outcome) => outcome.status === 'delivered'));
    const files = readdirSync(directory);
    assert.equal(files.filter((file) => file.endsWith('.eml')).length, 1);
    assert.deepEqual(
      files.filter((file) => file.startsWith('.tmp-')),
      [],
    );
  });
});

test('a crash before the .eml (companions written, no commit marker) is completed by the retry', async () => {
  await withDirectory(async (directory) => {
    const stem = fileStem(message.idempotencyKey);
    writeFileSync(join(directory, `${stem}.json`), '{"half":');
    writeFileSync(join(directory, '.tmp-leftover-from-crash'), 'partial');
    assert.equal((await createFileDropTransport({ directory }).send(message)).status, 'delivered');
    assert.deepEqual(JSON.parse(readFileSync(join(directory, `${stem}.json`), 'utf8')), message.json);
    assert.ok(readdirSync(directory).includes(`${stem}.eml`));
  });
});

test('an unwritable target is a temporary failure; an unbuildable message is permanent', async () => {
  await withDirectory(async (directory) => {
    const notADirectory = join(directory, 'file');
    writeFileSync(notADirectory, 'x');
    const blocked = await createFileDropTransport({ directory: notADirectory }).send(message);
    assert.equal(blocked.status, 'temporary-failure');
    const injected = await createFileDropTransport({ directory }).send({ ...message, from: 'a@b.example\r\nBcc: c@d.example' });
    assert.equal(injected.status, 'permanent-failure');
    assert.deepEqual(readdirSync(directory), ['file']);
  });
});

test('long or unusual keys become bounded, distinct file names', () => {
  const long = 'k'.repeat(300);
  assert.ok(fileStem(long).length <= 120);
  assert.notEqual(fileStem(long), fileStem(`${long}x`));
  assert.notEqual(fileStem('a/b'), fileStem('a_b'));
  assert.doesNotMatch(fileStem('../../etc/passwd'), /[/.]/);
});
