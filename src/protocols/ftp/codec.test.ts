import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ftpCommand, parseFtpCommand, parseFtpReply, parseGreeting } from './codec.ts';

const reply = (text: string) => parseFtpReply(Buffer.from(text, 'latin1'));

test('single-line and multi-line greetings as servers send them', () => {
  assert.deepEqual(reply('220 (vsFTPd 3.0.3)\r\n'), { state: 'complete', code: 220, text: '(vsFTPd 3.0.3)', end: 20 });
  assert.deepEqual(reply('220 ProFTPD 1.3.5 Server (Debian) [::ffff:10.0.0.1]\n'), {
    state: 'complete',
    code: 220,
    text: 'ProFTPD 1.3.5 Server (Debian) [::ffff:10.0.0.1]',
    end: 52,
  });
  const multi = reply('220-Welcome to the NAS\r\n220-Second line\r\n  indented middle line\r\n220 Ready.\r\n');
  assert.equal(multi.state, 'complete');
  assert.equal(multi.state === 'complete' && multi.text, 'Welcome to the NAS\nSecond line\n  indented middle line\nReady.');
  // A middle line starting with another code does not end the reply.
  const tricky = reply('220-first\r\n230 not the end\r\n220-more\r\n220\r\n');
  assert.equal(tricky.state === 'complete' && tricky.text, 'first\n230 not the end\nmore');
  assert.deepEqual(reply('220\r\n'), { state: 'complete', code: 220, text: '', end: 5 });
});

test('incomplete, invalid, and preliminary replies', () => {
  assert.deepEqual(reply('220-Welcome\r\n220-still'), { state: 'incomplete' });
  assert.deepEqual(reply('22'), { state: 'incomplete' });
  assert.deepEqual(reply('220\r'), { state: 'incomplete' });
  assert.equal(reply('SSH-2.0-x\r\n').state, 'invalid');
  assert.equal(reply('HTTP/1.1 200').state, 'invalid');
  assert.equal(reply(`220-${'x'.repeat(20_000)}`).state, 'invalid');
  assert.equal(reply(`220-a\r\n${'line\r\n'.repeat(300)}`).state, 'invalid');
  const greeting = parseGreeting(Buffer.from('120 Service ready in 2 minutes\r\n220 Ready\r\n'));
  assert.equal(greeting.state === 'complete' && greeting.code, 220);
  const refused = parseGreeting(Buffer.from('421 Too many users, try later\r\n'));
  assert.equal(refused.state === 'complete' && refused.code, 421);
  assert.deepEqual(parseGreeting(Buffer.from('120 wait\r\n')), { state: 'incomplete' });
});

test('commands cannot smuggle extra lines', () => {
  assert.equal(ftpCommand('USER', 'admin\r\nDELE x').toString(), 'USER adminDELE x\r\n');
});

test('fuzz: random and truncated replies never throw', () => {
  let seed = 777;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = Buffer.from('120 wait\r\n220-a\r\nb\r\n220 c\r\n');
  for (let round = 0; round < 500; round++) {
    const bytes =
      round % 2
        ? sample.subarray(0, Math.floor(random() * sample.length))
        : Buffer.from(
            Array.from({ length: Math.floor(random() * 300) }, () =>
              random() < 0.3 ? [0x32, 0x0d, 0x0a, 0x2d, 0x20][Math.floor(random() * 5)] : Math.floor(random() * 256),
            ),
          );
    const parsed = parseGreeting(bytes);
    if (parsed.state === 'complete') assert.ok(parsed.code >= 200 && parsed.code <= 999 && parsed.end <= bytes.length);
  }
});

test('a command line splits into its upper-cased verb and the rest, as a server reads it', () => {
  assert.deepEqual(parseFtpCommand('user admin'), { verb: 'USER', argument: 'admin' });
  assert.deepEqual(parseFtpCommand('PASS two words'), { verb: 'PASS', argument: 'two words' });
  assert.deepEqual(parseFtpCommand('NOOP'), { verb: 'NOOP', argument: '' });
  assert.deepEqual(parseFtpCommand(ftpCommand('USER', 'x\r\nDELE y').toString().trimEnd()), { verb: 'USER', argument: 'xDELE y' });
});
