import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { answerControlLine, maxControlLineBytes, serveLabControl } from './control.ts';

/** A stand-in lab that knows two devices and records what it was asked to fix. */
function fakeLab() {
  const known = new Set(['127.77.0.5', '127.77.1.9']);
  const fixed: string[] = [];
  return {
    fixed,
    remediate(ip: string) {
      if (!known.has(ip)) return false;
      fixed.push(ip);
      return true;
    },
  };
}

test('answerControlLine: remediate a known and an unknown address, blank lines, mistakes', () => {
  const lab = fakeLab();
  assert.equal(answerControlLine('remediate 127.77.0.5', lab), 'remediated 127.77.0.5');
  assert.equal(answerControlLine('  remediate   127.77.1.9  \r', lab), 'remediated 127.77.1.9');
  assert.equal(answerControlLine('remediate 127.77.9.9', lab), 'unknown 127.77.9.9');
  assert.deepEqual(lab.fixed, ['127.77.0.5', '127.77.1.9']);
  assert.equal(answerControlLine('   ', lab), undefined);
  assert.match(answerControlLine('remediate', lab)!, /^error usage: remediate <ip>/);
  assert.match(answerControlLine('remediate 127.77.0.5 127.77.1.9', lab)!, /^error usage/);
  assert.match(answerControlLine('reboot 127.77.0.5', lab)!, /^error unknown command "reboot"/);
  assert.equal(lab.fixed.length, 2, 'mistakes fix nothing');
});

test('serveLabControl: answers one line per command, in order, across chunk boundaries; stop detaches', async () => {
  const lab = fakeLab();
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const stop = serveLabControl(input, output, lab);
  input.write('remediate 127.77');
  input.write('.0.5\nremediate 127.1.2.3\r\n\nremediate 127.77.1.9\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written, 'remediated 127.77.0.5\nunknown 127.1.2.3\nremediated 127.77.1.9\n');
  stop();
  input.write('remediate 127.77.0.5\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lab.fixed.length, 2, 'nothing is read after stop');
});

test('serveLabControl: an over-long line is answered with one error and skipped, the next line works', async () => {
  const lab = fakeLab();
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  serveLabControl(input, output, lab);
  input.write(`remediate ${'9'.repeat(maxControlLineBytes)}`);
  input.write('9'.repeat(maxControlLineBytes * 4));
  input.write('\nremediate 127.77.0.5\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written, `error line longer than ${maxControlLineBytes} bytes\nremediated 127.77.0.5\n`);
  assert.deepEqual(lab.fixed, ['127.77.0.5']);
});
