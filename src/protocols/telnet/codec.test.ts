import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DO,
  DONT,
  IAC,
  SB,
  SE,
  WILL,
  WONT,
  classifyPrompt,
  createNegotiator,
  createTelnetDecoder,
  deviceText,
  emptyNegotiationSummary,
  encodeLine,
  isMostlyBinary,
  recordNegotiation,
  splitPrompt,
  type TelnetCommand,
} from './codec.ts';

/** A busybox telnetd greeting as it appears on the wire. */
const busyboxGreeting = Buffer.concat([
  Buffer.from([IAC, DO, 1, IAC, WILL, 1, IAC, WILL, 3, IAC, DO, 31]),
  Buffer.from('\r\n\r\nBusyBox v1.19.4 (2014-06-20 11:03:07 CST) built-in shell\r\n\r\n(none) login: '),
]);

function decodeInPieces(bytes: Buffer, pieceSize: number) {
  const decoder = createTelnetDecoder();
  const data: Buffer[] = [];
  const commands: TelnetCommand[] = [];
  for (let start = 0; start < bytes.length; start += pieceSize) {
    const decoded = decoder.push(bytes.subarray(start, start + pieceSize));
    data.push(decoded.data);
    commands.push(...decoded.commands);
  }
  return { data: Buffer.concat(data), commands };
}

test('decoder separates negotiation from text, whatever the chunking', () => {
  for (const pieceSize of [1, 2, 3, 5, 7, busyboxGreeting.length]) {
    const { data, commands } = decodeInPieces(busyboxGreeting, pieceSize);
    assert.equal(data.toString('latin1'), busyboxGreeting.subarray(12).toString('latin1'), `piece size ${pieceSize}`);
    assert.deepEqual(
      commands.map((command) => command.kind === 'negotiation' && `${command.verb} ${command.option}`),
      ['do 1', 'will 1', 'will 3', 'do 31'],
    );
  }
});

test('decoder handles escaped 255, subnegotiation with escapes, and two-byte commands', () => {
  const bytes = Buffer.from([0x41, IAC, IAC, 0x42, IAC, SB, 24, 1, IAC, IAC, 7, IAC, SE, IAC, 241, IAC, 249, 0x43]);
  for (const pieceSize of [1, 4, bytes.length]) {
    const { data, commands } = decodeInPieces(bytes, pieceSize);
    assert.deepEqual([...data], [0x41, 255, 0x42, 0x43]);
    assert.deepEqual(commands, [{ kind: 'subnegotiation', option: 24, length: 3, data: Buffer.from([1, 255, 7]) }]);
  }
});

test('decoder survives an unterminated subnegotiation without storing it', () => {
  const decoder = createTelnetDecoder();
  decoder.push(Buffer.from([IAC, SB, 24]));
  const flood = decoder.push(Buffer.alloc(100_000, 0x61));
  assert.equal(flood.data.length, 0);
  const after = decoder.push(Buffer.from([IAC, SE, 0x7a]));
  assert.equal(after.data.toString(), 'z');
  assert.equal(after.commands[0]?.kind, 'subnegotiation');
});

test('negotiator refuses unknown options, accepts ECHO/SGA once, never acknowledges non-changes', () => {
  const negotiator = createNegotiator();
  const answer = (verb: 'do' | 'dont' | 'will' | 'wont', option: number) => negotiator.answer({ kind: 'negotiation', verb, option });
  assert.deepEqual([...answer('do', 24)!], [IAC, WONT, 24]);
  assert.deepEqual([...answer('will', 1)!], [IAC, DO, 1]);
  assert.equal(answer('will', 1), undefined, 'already enabled: no answer');
  assert.deepEqual([...answer('will', 5)!], [IAC, DONT, 5]);
  assert.equal(answer('dont', 24), undefined, 'already disabled: no answer');
  assert.equal(answer('wont', 31), undefined);
  assert.deepEqual([...answer('wont', 1)!], [IAC, DONT, 1]);
  assert.equal(negotiator.answer({ kind: 'subnegotiation', option: 24, length: 1, data: Buffer.from([1]) }), undefined);
});

test('negotiator stops answering at its cap (IAC storm)', () => {
  const negotiator = createNegotiator({ maxReplies: 10 });
  let answers = 0;
  for (let index = 0; index < 1000; index++) if (negotiator.answer({ kind: 'negotiation', verb: 'do', option: index % 256 })) answers++;
  assert.equal(answers, 10);
  assert.equal(negotiator.exhausted, true);
});

test('negotiation summary lists each option once per verb', () => {
  const { commands } = decodeInPieces(Buffer.concat([busyboxGreeting, Buffer.from([IAC, DO, 1, IAC, WONT, 34])]), 4);
  assert.deepEqual(recordNegotiation(emptyNegotiationSummary(), commands), { do: [1, 31], will: [1, 3], dont: [], wont: [34] });
});

test('deviceText removes ANSI escapes, normalises line ends, keeps UTF-8 and falls back to Latin-1', () => {
  assert.equal(deviceText(Buffer.from('\x1b[1;32mWelcome\x1b[0m\r\n\n\rlogin:\r\0x')), 'Welcome\n\nlogin:\nx');
  assert.equal(deviceText(Buffer.from('\x1b]0;title\x07ok\x07')), 'ok');
  assert.equal(deviceText(Buffer.from('カメラ\r\n')), 'カメラ\n');
  assert.equal(deviceText(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0d, 0x0a])), 'Café\n');
});

test('classifyPrompt recognises prompts seen on real devices', () => {
  const samples: Array<[string, string]> = [
    ['(none) login: ', 'login'],
    ['DVR login:', 'login'],
    ['Username:', 'login'],
    ['User Name : ', 'login'],
    ['login as: ', 'login'],
    ['Login>', 'login'],
    ['Password: ', 'password'],
    ['password for admin:', 'password'],
    ['User password:', 'password'],
    ['~ # ', 'shell'],
    ['# ', 'shell'],
    ['root@OpenWrt:~# ', 'shell'],
    ['[admin@MikroTik] > ', 'shell'],
    ['RT-N12>', 'shell'],
    ['$ ', 'shell'],
    ['##########', 'none'],
    ['=====>', 'none'],
    ['Last login: Tue Jan  7 10:00:01 2020', 'none'],
    ['Welcome to the device', 'none'],
    ['', 'none'],
    ['<html>', 'none'],
  ];
  for (const [line, kind] of samples) assert.equal(classifyPrompt(line), kind, JSON.stringify(line));
});

test('splitPrompt takes banner and the unfinished prompt line', () => {
  assert.deepEqual(splitPrompt('\n\nBusyBox v1.19.4 built-in shell\n\n(none) login: '), {
    banner: 'BusyBox v1.19.4 built-in shell',
    prompt: '(none) login:',
    promptKind: 'login',
  });
  assert.deepEqual(splitPrompt('Access denied\nBye\n'), { banner: 'Access denied\nBye', prompt: 'Bye', promptKind: 'none' });
  assert.deepEqual(splitPrompt('Password:'), { banner: '', prompt: 'Password:', promptKind: 'password' });
  // "login:" followed by a line break was not a prompt waiting for input.
  assert.equal(splitPrompt('login:\nsomething else\n').promptKind, 'none');
  assert.equal(splitPrompt('x'.repeat(20_000)).banner.length, 8192);
});

test('encodeLine doubles IAC and ends with CR LF', () => {
  assert.deepEqual([...encodeLine('a\u00ff')], [0x61, 0xc3, 0xbf, 0x0d, 0x0a]);
  assert.deepEqual([...encodeLine('admin')], [...Buffer.from('admin\r\n')]);
});

test('binary detection', () => {
  assert.equal(isMostlyBinary(busyboxGreeting.subarray(12)), false);
  assert.equal(isMostlyBinary(Buffer.from([0, 1, 2, 3, 4, 5, 0x41])), true);
  assert.equal(isMostlyBinary(Buffer.alloc(0)), false);
});

test('fuzz: random and truncated bytes never throw and keep invariants', () => {
  // Deterministic pseudo-random bytes (xorshift) so a failure is reproducible.
  let seed = 0x2545f491;
  const nextByte = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) & 0xff;
  };
  for (let round = 0; round < 300; round++) {
    const length = nextByte() * 4;
    // Bias towards IAC and command bytes so the state machine is exercised.
    const bytes = Buffer.from(Array.from({ length }, () => (nextByte() < 64 ? [IAC, SB, SE, DO, WILL][nextByte() % 5] : nextByte())));
    const { data, commands } = decodeInPieces(bytes, 1 + (round % 13));
    assert.ok(data.length <= bytes.length);
    for (const command of commands) assert.ok(command.option >= 0 && command.option <= 255);
    const text = deviceText(data);
    assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f]/);
    const split = splitPrompt(text);
    assert.ok(['login', 'password', 'shell', 'none'].includes(split.promptKind));
    const truncated = decodeInPieces(busyboxGreeting.subarray(0, round % busyboxGreeting.length), 1 + (round % 5));
    assert.ok(truncated.data.length <= busyboxGreeting.length);
  }
});
