import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { createLogger } from './create-logger.ts';

function collector(): { lines: string[]; destination: { write(text: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (text) => lines.push(...text.split('\n').filter((line) => line !== '')) } };
}

test('JSON lines: level by name, time, command, bindings of children, fields, and an error with its code and context', () => {
  const out = collector();
  const codes: string[] = [];
  const log = createLogger({ command: 'survey', format: 'json', level: 'info', destination: out.destination, onError: (code) => codes.push(code) });
  log.debug('not shown at info');
  const run = log.child({ runId: 7 });
  run.info('started', { event: 'run-started', targets: 256 });
  run.error('cannot read the plan', new OpenNoticeError('PLAN_INVALID', 'missing "ranges"', { file: 'plan.yaml', line: 3 }), { event: 'plan' });
  log.error('something broke', new Error('boom'));
  const lines = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.length, 3);
  const [started, failed, unexpected] = lines;
  assert.deepEqual(
    { ...started, time: undefined },
    { level: 'info', time: undefined, command: 'survey', runId: 7, event: 'run-started', targets: 256, msg: 'started' },
  );
  assert.ok(!Number.isNaN(Date.parse(String(started!.time))));
  assert.equal(failed!.level, 'error');
  assert.equal(failed!.runId, 7);
  assert.deepEqual(failed!.error, { code: 'PLAN_INVALID', message: 'missing "ranges"', context: { file: 'plan.yaml', line: 3 } });
  assert.deepEqual(unexpected!.error, { code: 'UNEXPECTED', message: 'boom' });
  assert.deepEqual(codes, ['PLAN_INVALID', 'UNEXPECTED'], 'every logged error is counted by its code');
});

test('text lines: the command (and subcommand) as prefix, an error described as the CLI always did, levels honoured', () => {
  const out = collector();
  const log = createLogger({ command: 'darknet', format: 'text', level: 'warn', destination: out.destination }).child({ subcommand: 'capture', runId: 3 });
  assert.equal(log.structured, false);
  log.info('window written (1 so far)');
  log.warn('tcpdump: 10 packets received by the filter, 2 dropped by the kernel');
  log.error('capture failed', new OpenNoticeError('CAPTURE_FAILED', 'tcpdump exited', { interface: 'eth9' }));
  assert.deepEqual(out.lines, [
    'opennotice darknet capture: tcpdump: 10 packets received by the filter, 2 dropped by the kernel',
    'opennotice darknet capture: capture failed: tcpdump exited [CAPTURE_FAILED]',
  ]);
});
