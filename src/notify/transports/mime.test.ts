import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../../core/errors.ts';
import { buildMimeMessage } from './mime.ts';
import { parseMimeMessage } from './mime-parse.ts';
import type { OutgoingMessage } from './types.ts';

const date = new Date('2025-01-31T09:00:00Z');
const binary = Uint8Array.from({ length: 3000 }, (_, index) => (index * 7919) & 255);
const message: OutgoingMessage = {
  idempotencyKey: 'report:isp-7/2025-01',
  from: 'notice@cert.example',
  to: ['abuse@isp.example', 'soc@isp.example'],
  subject: '【NOTICE】脆弱なIoT機器に関するお知らせ（2025年1月分）— 貴社ネットワーク内の機器 12 台について',
  text: 'ご担当者様\n\n貴社のネットワークで、初期パスワードのままの機器が見つかりました。\n.先頭がドットの行\nEnglish line.\n',
  attachments: [
    { filename: 'findings.csv', contentType: 'text/csv; charset=utf-8', content: 'ip,port,device_vendor\n192.0.2.1,23,コルヴァン\n' },
    { filename: '調査結果_2025年1月_詳細な一覧表と対処方法の説明資料（ISP向け転送用）.bin', contentType: 'application/octet-stream', content: binary },
  ],
};

test('a Japanese message with attachments round-trips through build and parse byte-exact', () => {
  const parsed = parseMimeMessage(buildMimeMessage(message, { date, messageIdDomain: 'cert.example' }));
  assert.equal(parsed.subject, message.subject);
  assert.equal(parsed.text, message.text);
  assert.equal(parsed.from, message.from);
  assert.deepEqual(parsed.to, message.to);
  assert.equal(parsed.messageId, '<report%3Aisp-7%2F2025-01@cert.example>');
  assert.equal(parsed.headers.date, 'Fri, 31 Jan 2025 09:00:00 +0000');
  assert.equal(parsed.headers['auto-submitted'], 'auto-generated');
  assert.equal(parsed.attachments.length, 2);
  assert.equal(parsed.attachments[0].filename, 'findings.csv');
  assert.equal(parsed.attachments[0].contentType, 'text/csv; charset=utf-8');
  assert.equal(parsed.attachments[0].content.toString('utf8'), message.attachments[0].content);
  assert.equal(parsed.attachments[1].filename, message.attachments[1].filename);
  assert.deepEqual(new Uint8Array(parsed.attachments[1].content), binary);
});

test('the output is 7-bit ASCII, CRLF only, no line over 78 characters, and reproducible', () => {
  const raw = buildMimeMessage(message, { date, messageIdDomain: 'cert.example' });
  assert.match(raw, /^[\x00-\x7f]*$/);
  assert.doesNotMatch(raw, /[^\r]\n|\r[^\n]/);
  assert.ok(raw.endsWith('\r\n'));
  const longest = Math.max(...raw.split('\r\n').map((line) => line.length));
  assert.ok(longest <= 78, `longest line ${longest}`);
  assert.equal(buildMimeMessage(message, { date, messageIdDomain: 'cert.example' }), raw);
});

test('a message without attachments is a single text/plain part; plain ASCII subjects stay readable', () => {
  const raw = buildMimeMessage({ ...message, subject: 'Weak IoT devices in your network', attachments: [] }, { date, messageIdDomain: 'cert.example' });
  assert.match(raw, /\r\nSubject: Weak IoT devices in your network\r\n/);
  assert.match(raw, /\r\nContent-Type: text\/plain; charset=utf-8\r\n/);
  assert.doesNotMatch(raw, /multipart/);
  assert.equal(parseMimeMessage(raw).text, message.text);
});

test('a very long unbroken header word is encoded so no line passes 998 octets', () => {
  const subject = 'x'.repeat(2000);
  const raw = buildMimeMessage({ ...message, subject, attachments: [] }, { date, messageIdDomain: 'cert.example' });
  assert.ok(raw.split('\r\n').every((line) => line.length <= 998));
  assert.equal(parseMimeMessage(raw).subject, subject);
});

test('CR or LF in any header value is rejected: header injection is impossible', () => {
  const injections: Array<Partial<OutgoingMessage>> = [
    { subject: 'hello\r\nBcc: victim@example.org' },
    { subject: 'hello\nBcc: victim@example.org' },
    { from: 'notice@cert.example\r\nBcc: victim@example.org' },
    { to: ['abuse@isp.example\nBcc: victim@example.org'] },
    { idempotencyKey: 'key\r\nX-Evil: 1' },
    { attachments: [{ filename: 'a.csv\r\nContent-Type: text/html', contentType: 'text/csv', content: '' }] },
    { attachments: [{ filename: 'a.csv', contentType: 'text/csv\r\nX-Evil: 1', content: '' }] },
  ];
  for (const change of injections) {
    assert.throws(
      () => buildMimeMessage({ ...message, ...change }, { date, messageIdDomain: 'cert.example' }),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID',
      JSON.stringify(change),
    );
  }
});

test('addresses must be plain mailbox addresses; recipients are bounded, none is allowed (file drop)', () => {
  for (const to of [['Abuse <abuse@isp.example>'], ['abuse'], ['a b@isp.example'], ['abuse@isp.example>']]) {
    assert.throws(() => buildMimeMessage({ ...message, to }, { date, messageIdDomain: 'cert.example' }), OpenNoticeError, JSON.stringify(to));
  }
  assert.throws(
    () => buildMimeMessage({ ...message, to: Array.from({ length: 101 }, (_, index) => `a${index}@isp.example`) }, { date, messageIdDomain: 'cert.example' }),
    /at most 100 recipients/,
  );
  const unaddressed = buildMimeMessage({ ...message, to: [] }, { date, messageIdDomain: 'cert.example' });
  assert.doesNotMatch(unaddressed, /^To:/m);
  assert.deepEqual(parseMimeMessage(unaddressed).to, []);
  assert.throws(() => buildMimeMessage(message, { date, messageIdDomain: 'bad domain' }), /Message-ID domain/);
});

test('the parser reads quoted-printable and RFC 2231 continuations written by other mailers', () => {
  const raw = [
    'From: "ISP SOC" <soc@isp.example>',
    'To: a@x.example, "B, Person" <b@y.example>',
    'Subject: =?iso-2022-jp?B?GyRCRnxLXBsoQg==?= =?utf-8?Q?_=E2=9C=93?=',
    'Content-Type: multipart/mixed; boundary=b1',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'caf=C3=A9 long line=',
    ' continued',
    '--b1',
    'Content-Type: text/plain',
    "Content-Disposition: attachment; filename*0*=utf-8''%E6%97%A5; filename*1*=%E6%9C%AC.txt",
    '',
    'x',
    '--b1--',
    '',
  ].join('\r\n');
  const parsed = parseMimeMessage(raw);
  assert.equal(parsed.from, 'soc@isp.example');
  assert.deepEqual(parsed.to, ['a@x.example', 'b@y.example']);
  assert.equal(parsed.subject, '日本 ✓');
  assert.equal(parsed.text, 'café long line continued');
  assert.equal(parsed.attachments[0].filename, '日本.txt');
});

test('mostly-ASCII text travels quoted-printable and round-trips exactly: blanks, "=", long and dot lines, a fake boundary', () => {
  const text = [
    'Dear ISP,   ',
    'a=b and =41 stay literal',
    'x'.repeat(200),
    '.',
    '.leading dot',
    '--=_opennotice_000000000000000000000000',
    'tab\tat end\t',
    'café',
    'no final newline',
  ].join('\n');
  const raw = buildMimeMessage({ ...message, text, attachments: [message.attachments[0]] }, { date, messageIdDomain: 'cert.example' });
  assert.match(raw, /Content-Transfer-Encoding: quoted-printable\r\n\r\nDear ISP, {2}=20\r\n/);
  assert.ok(raw.split('\r\n').every((line) => line.length <= 78));
  const parsed = parseMimeMessage(raw);
  assert.equal(parsed.text, text);
  assert.equal(parsed.attachments.length, 1);
  assert.equal(parsed.attachments[0].content.toString('utf8'), message.attachments[0].content);
});
