import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTcpdumpStderr, describeTcpdumpFailure } from './tcpdump-stderr.ts';

test('finds the listening line and the closing counts, across chunk boundaries', () => {
  const seen: string[] = [];
  const stderr = createTcpdumpStderr({ onListening: (line) => seen.push(line) });
  stderr.push('tcpdump: listening on lo, link-type EN10MB (Ethernet), snap');
  assert.equal(stderr.listening, undefined);
  stderr.push('shot length 128 bytes\n12 packets captured\n1 packet received by filter\n');
  stderr.push('3 packets dropped by kernel\n4 packets dropped by interface');
  stderr.end();
  assert.deepEqual(seen, ['tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 128 bytes']);
  assert.deepEqual(stderr.counts, { captured: 12, received: 1, droppedByKernel: 3, droppedByInterface: 4 });
});

test('the comma-joined form (SIGUSR1) parses too', () => {
  const stderr = createTcpdumpStderr();
  stderr.push('tcpdump: 7 packets captured, 9 packets received by filter, 0 packets dropped by kernel\n');
  assert.deepEqual(stderr.counts, { captured: 7, received: 9, droppedByKernel: 0 });
});

test('memory stays bounded: head and tail lines kept, long lines cut', () => {
  const stderr = createTcpdumpStderr({}, { headLines: 2, tailLines: 3, lineChars: 20 });
  for (let i = 0; i < 1000; i++) stderr.push(`warning ${i}\n`);
  stderr.push('y'.repeat(10_000));
  stderr.push('y'.repeat(10_000));
  stderr.end();
  const lines = stderr.excerpt().split('\n');
  assert.equal(lines.length, 2 + 1 + 3);
  assert.deepEqual(lines.slice(0, 2), ['warning 0', 'warning 1']);
  assert.match(lines[2], /lines omitted/);
  assert.ok(lines.every((line) => line.length <= 30));
});

test('failure messages name the cause and quote tcpdump', () => {
  const base = { interface: 'eth9', exitCode: 1, signal: null };
  assert.match(
    describeTcpdumpFailure({ ...base, stderr: 'tcpdump: eth9: No such device exists\n(No such device exists)' }),
    /^capture interface "eth9" does not exist .*tcpdump said: tcpdump: eth9: No such device exists/s,
  );
  assert.match(
    describeTcpdumpFailure({
      ...base,
      stderr: "tcpdump: eth9: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)",
    }),
    /run as root.*cap_net_raw/,
  );
  assert.match(
    describeTcpdumpFailure({ ...base, filter: 'udp and and', stderr: "tcpdump: can't parse filter expression: syntax error" }),
    /rejected the capture filter "udp and and"; tcpdump said: tcpdump: can't parse filter expression: syntax error/,
  );
  assert.equal(describeTcpdumpFailure({ ...base, exitCode: 3, stderr: '' }), 'tcpdump exited with code 3 (tcpdump printed nothing)');
  assert.match(describeTcpdumpFailure({ ...base, exitCode: null, signal: 'SIGSEGV', stderr: '' }), /killed by SIGSEGV/);
});
