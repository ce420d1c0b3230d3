import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReplyParser, dotStuff, ehloExtensions, failureFromReply, SmtpProtocolError } from './codec.ts';

test('replies are assembled across chunks, multi-line replies end at the line with a space', () => {
  const parser = createReplyParser();
  assert.deepEqual(parser.push(Buffer.from('250-mx.example greets you\r\n250-SIZE 1000')), []);
  assert.deepEqual(parser.push(Buffer.from('\r\n250 STARTTLS\r\n220 ')), [{ code: 250, lines: ['mx.example greets you', 'SIZE 1000', 'STARTTLS'] }]);
  assert.deepEqual(parser.push(Buffer.from('ready\n')), [{ code: 220, lines: ['ready'] }]);
  assert.deepEqual(parser.push(Buffer.from('354\r\n')), [{ code: 354, lines: [''] }]);
});

test('an endless line, an endless reply and garbage are errors, with memory bounded', () => {
  const parser = createReplyParser({ maxLineBytes: 100, maxLines: 5 });
  let pushes = 0;
  assert.throws(() => {
    for (let index = 0; index < 1000; index++) {
      pushes++;
      parser.push(Buffer.alloc(64, 0x41));
    }
  }, SmtpProtocolError);
  assert.equal(pushes, 2, 'the error comes as soon as the line passes the bound, not after the server stops');
  const lines = createReplyParser({ maxLineBytes: 100, maxLines: 5 });
  assert.throws(() => lines.push(Buffer.from('250-a\r\n'.repeat(6))), /longer than 5 lines/);
  assert.throws(() => createReplyParser().push(Buffer.from('hello\r\n')), /malformed reply line/);
  assert.throws(() => createReplyParser().push(Buffer.from('250-a\r\n451 b\r\n')), /reply code changed/);
});

test('a partial line just under the bound is kept, one byte over is refused', () => {
  const parser = createReplyParser({ maxLineBytes: 10, maxLines: 5 });
  parser.push(Buffer.from('250 567890'));
  assert.equal(parser.pendingBytes, 10);
  assert.throws(() => parser.push(Buffer.from('1')), /longer than 10 bytes/);
});

test('EHLO keywords and parameters are read case-insensitively', () => {
  const extensions = ehloExtensions({ code: 250, lines: ['mx.example', 'auth PLAIN login', 'STARTTLS', 'SIZE 35882577'] });
  assert.deepEqual(extensions.get('AUTH'), ['PLAIN', 'LOGIN']);
  assert.ok(extensions.has('STARTTLS'));
  assert.deepEqual(extensions.get('SIZE'), ['35882577']);
  assert.ok(!extensions.has('MX.EXAMPLE'));
});

test('dot-stuffing doubles leading dots, makes line ends CRLF and adds the terminator', () => {
  assert.equal(dotStuff('a\r\n.b\r\n.\r\n..c\r\n'), 'a\r\n..b\r\n..\r\n...c\r\n.\r\n');
  assert.equal(dotStuff('a\nb'), 'a\r\nb\r\n.\r\n');
  assert.equal(dotStuff(''), '.\r\n');
});

test('reply classes map to outcomes: 4xx temporary, 5xx permanent, anything else temporary', () => {
  assert.equal(failureFromReply({ code: 451, lines: ['later'] }, 'DATA').status, 'temporary-failure');
  assert.deepEqual(failureFromReply({ code: 550, lines: ['no such user'] }, 'RCPT TO'), { status: 'permanent-failure', detail: 'RCPT TO: 550 no such user' });
  assert.equal(failureFromReply({ code: 220, lines: ['odd'] }, 'MAIL FROM').status, 'temporary-failure');
});
