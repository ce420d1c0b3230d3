import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answersQuestion, decodeReply, dnsClasses, dnsTypes, encodeName, encodeQuery, readName, rcodeName, txtText } from './codec.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const versionBind = { name: 'version.bind', type: dnsTypes.TXT, class: dnsClasses.CH };

/** A reply to `question` with one answer record pointing back at the question's name. */
function reply(id: number, flags: number, question: Buffer, answers: Buffer[] = []) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question, ...answers]);
}
const questionBytes = (name: string, type: number, klass: number) =>
  Buffer.concat([encodeName(name), hex(`${type.toString(16).padStart(4, '0')}${klass.toString(16).padStart(4, '0')}`)]);

test('queries: the exact bytes of version.bind CH TXT without recursion, and an A query with RD', () => {
  assert.deepEqual(
    encodeQuery({ id: 0x1234, question: versionBind, recursionDesired: false }),
    hex('1234 0000 0001 0000 0000 0000 07 76657273696f6e 04 62696e64 00 0010 0003'),
  );
  const a = encodeQuery({ id: 1, question: { name: 'check.example.', type: dnsTypes.A, class: dnsClasses.IN }, recursionDesired: true });
  assert.equal(a.readUInt16BE(2), 0x0100);
  assert.equal(a.length, 12 + 15 + 4);
  assert.throws(() => encodeName(`${'a'.repeat(64)}.example`), /longer than 63/);
});

test('replies: dnsmasq’s answer to version.bind and an open resolver’s A answer', () => {
  const txt = hex('c00c 0010 0003 00000000 000d 0c 646e736d6173712d322e3930');
  const decoded = decodeReply(reply(0x1234, 0x8580, questionBytes('version.bind', 16, 3), [txt]));
  assert.equal(decoded.state, 'complete');
  if (decoded.state !== 'complete') return;
  assert.equal(answersQuestion(decoded.reply, 0x1234, versionBind), true);
  assert.equal(answersQuestion(decoded.reply, 0x1235, versionBind), false, 'another id');
  assert.equal(answersQuestion(decoded.reply, 0x1234, { ...versionBind, name: 'hostname.bind' }), false, 'another question');
  assert.deepEqual([decoded.reply.authoritative, decoded.reply.recursionAvailable, decoded.reply.rcode], [true, true, 0]);
  assert.equal(txtText(decoded.reply.answers[0].data), 'dnsmasq-2.90');
  const a = decodeReply(reply(7, 0x8180, questionBytes('Check.Example', 1, 1), [hex('c00c 0001 0001 0000003c 0004 c0000201')]));
  assert.equal(a.state === 'complete' && a.reply.answers[0].name, 'check.example');
  assert.equal(rcodeName(5), 'REFUSED');
  assert.equal(rcodeName(14), 'RCODE14');
});

test('names: pointers only backwards, bounded, and cut names refused', () => {
  assert.deepEqual(readName(hex('03616263 00'), 0), { name: 'abc', next: 5 });
  assert.equal(readName(hex('c000'), 0), undefined, 'a pointer to itself');
  assert.equal(readName(hex('c002 c000'), 0), undefined, 'forwards');
  assert.equal(readName(hex('0561'), 0), undefined, 'a label cut short');
  assert.equal(readName(hex('40 00'), 0), undefined, 'label type 01 is not used');
  // Pointers each to the one before, down to the name "a" at 0: ten are followed, forty are too many.
  const chain = (count: number) => {
    const bytes = [
      hex('016100'),
      ...Array.from({ length: count }, (_, index) => hex(`c0${(index === 0 ? 0 : 3 + (index - 1) * 2).toString(16).padStart(2, '0')}`)),
    ];
    return { bytes: Buffer.concat(bytes), last: 3 + (count - 1) * 2 };
  };
  const ten = chain(10);
  assert.deepEqual(readName(ten.bytes, ten.last), { name: 'a', next: ten.last + 2 });
  const forty = chain(40);
  assert.equal(readName(forty.bytes, forty.last), undefined);
  // A name of more than 255 bytes.
  const long = Buffer.concat([...Array.from({ length: 5 }, () => Buffer.concat([hex('3f'), Buffer.alloc(63, 0x61)])), hex('00')]);
  assert.equal(readName(long, 0), undefined);
});

test('replies: what is refused', () => {
  const good = reply(9, 0x8180, questionBytes('version.bind', 16, 3));
  assert.equal(decodeReply(good).state, 'complete');
  assert.match(JSON.stringify(decodeReply(good.subarray(0, 11))), /shorter than a DNS header/);
  assert.match(JSON.stringify(decodeReply(reply(9, 0x0100, questionBytes('a', 1, 1)))), /a query, not a reply/);
  for (let cut = 12; cut < good.length; cut++) assert.equal(decodeReply(good.subarray(0, cut)).state, 'invalid', `cut at ${cut}`);
  const many = Buffer.from(good);
  many.writeUInt16BE(5000, 6);
  assert.match(JSON.stringify(decodeReply(many)), /more than read/);
  const overrun = reply(9, 0x8180, questionBytes('a', 1, 1), [hex('c00c 0001 0001 00000000 ffff 01020304')]);
  assert.match(JSON.stringify(decodeReply(overrun)), /runs past/);
});

test('fuzz: random datagrams never throw', () => {
  let seed = 53;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = reply(9, 0x8180, questionBytes('check.example', 1, 1), [hex('c00c 0001 0001 0000003c 0004 c0000201')]);
  for (let round = 0; round < 3000; round++) {
    const input = Buffer.from(sample);
    for (let flips = 0; flips < 3; flips++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
    const decoded = decodeReply(round % 3 === 0 ? input.subarray(0, Math.floor(random() * input.length)) : input);
    if (decoded.state === 'complete') assert.ok(decoded.reply.answers.length <= 64);
  }
});
