import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../../core/errors.ts';
import { tcpdumpArguments } from './tcpdump-arguments.ts';

const captureFailed = (pattern: RegExp) => (error: unknown) =>
  error instanceof OpenNoticeError && error.code === 'CAPTURE_FAILED' && pattern.test(error.message);

test('defaults: 128-byte snaplen, 64 MiB buffer in KiB, packet-buffered pcap on stdout, filter after --', () => {
  assert.deepEqual(tcpdumpArguments({ interface: 'eth0' }), ['-i', 'eth0', '-s', '128', '-B', '65536', '-U', '-w', '-']);
  assert.deepEqual(tcpdumpArguments({ interface: 'any', filter: '  dst net 198.51.100.0/24 ', snaplen: 96, bufferMiB: 8 }), [
    '-i',
    'any',
    '-s',
    '96',
    '-B',
    '8192',
    '-U',
    '-w',
    '-',
    '--',
    'dst net 198.51.100.0/24',
  ]);
});

test('interface names that could become options or are not names are refused', () => {
  for (const name of ['-w', '--version', '', 'eth0 -w /tmp/x', 'a/b', 'x'.repeat(65), 'eth0\n']) {
    assert.throws(() => tcpdumpArguments({ interface: name }), captureFailed(/invalid capture interface/), name);
  }
  for (const name of ['enp3s0', 'br-1a2b', 'nflog:100', 'vlan.10', 'usbmon1', '2']) assert.equal(tcpdumpArguments({ interface: name })[1], name);
});

test('filters starting with -, empty, too long or with control characters are refused', () => {
  assert.throws(() => tcpdumpArguments({ interface: 'lo', filter: ' -Z root' }), captureFailed(/must not start with '-'/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', filter: '   ' }), captureFailed(/empty/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', filter: `${'udp or '.repeat(2000)}tcp` }), captureFailed(/characters long/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', filter: 'udp\u0000tcp' }), captureFailed(/control character/));
  assert.equal(tcpdumpArguments({ interface: 'lo', filter: 'udp\n and port 53' }).at(-1), 'udp\n and port 53');
});

test('snaplen and buffer size are bounded integers', () => {
  assert.throws(() => tcpdumpArguments({ interface: 'lo', snaplen: 10 }), captureFailed(/snaplen/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', snaplen: 128.5 }), captureFailed(/snaplen/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', snaplen: 4081 }), captureFailed(/snaplen must be an integer from 64 to 4080/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', bufferMiB: 0 }), captureFailed(/bufferMiB/));
  assert.throws(() => tcpdumpArguments({ interface: 'lo', bufferMiB: 1e6 }), captureFailed(/bufferMiB/));
});
