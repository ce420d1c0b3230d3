import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../../core/random.ts';
import { childNamed, localName, readXml, type XmlRead } from './xml.ts';

const read = (text: string) => readXml(Buffer.from(text, 'utf8'));

function refusalOf(result: XmlRead): string {
  return result.ok ? 'accepted' : result.refusal;
}

test('reads elements, attributes, text, CDATA and the predefined and numeric references', () => {
  const result = read(
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n' +
      '<root xmlns="urn:schemas-upnp-org:device-1-0" xmlns:dlna="urn:schemas-dlna-org:device-1-0">' +
      '<specVersion><major>1</major><minor>0</minor></specVersion>' +
      '<device><friendlyName>Tom &amp; Jerry&#39;s &lt;router&gt; &#x263A;</friendlyName><dlna:X_DLNADOC a=\'1\' b="x&quot;y">DMS-1.50</dlna:X_DLNADOC>' +
      '<modelName><![CDATA[R&D <beta>]]></modelName><empty/><?pi ignored?></device></root>\n<!-- trailing comment -->\n',
  );
  assert.ok(result.ok);
  const { root } = result;
  assert.equal(root.name, 'root');
  assert.equal(root.attributes.xmlns, 'urn:schemas-upnp-org:device-1-0');
  const device = childNamed(root, 'device')!;
  assert.equal(childNamed(device, 'friendlyName')?.text, "Tom & Jerry's <router> \u263a");
  assert.equal(childNamed(device, 'modelName')?.text, 'R&D <beta>');
  const extension = childNamed(device, 'X_DLNADOC')!;
  assert.equal(extension.name, 'dlna:X_DLNADOC');
  assert.deepEqual(extension.attributes, { a: '1', b: 'x"y' });
  assert.equal(childNamed(device, 'empty')?.children.length, 0);
  assert.equal(childNamed(childNamed(root, 'specVersion')!, 'major')?.text, '1');
  assert.equal(localName('dlna:X_DLNADOC'), 'X_DLNADOC');
});

test('a bare ampersand that starts no reference is kept as text, as devices write "AT&T"', () => {
  const result = read('<root><manufacturer>AT&T Inc & co</manufacturer></root>');
  assert.ok(result.ok);
  assert.equal(result.root.children[0]?.text, 'AT&T Inc & co');
});

test('harmless DOCTYPEs are skipped: bare, and an internal subset of element declarations and comments', () => {
  assert.ok(read('<!DOCTYPE root><root/>').ok);
  assert.ok(read('<!DOCTYPE root [ <!ELEMENT root ANY> <!-- fine ] > --> <!ATTLIST root a CDATA "x]>"> ]><root>ok</root>').ok);
});

test('ISO-8859-1 and UTF-16 documents are decoded as declared', () => {
  const latin = readXml(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><root>caf\xe9</root>', 'latin1'));
  assert.ok(latin.ok);
  assert.equal(latin.root.text, 'café');
  const utf16 = readXml(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<root>ü</root>', 'utf16le')]));
  assert.ok(utf16.ok);
  assert.equal(utf16.root.text, 'ü');
});

test('an internal entity declaration is refused, the billion laughs among them, at once', () => {
  assert.equal(refusalOf(read('<!DOCTYPE root [<!ENTITY name "value">]><root>&name;</root>')), 'entity-declaration');
  const laughs = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE lolz [',
    ' <!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, level) => ` <!ENTITY lol${level + 1} "${`&lol${level === 0 ? '' : level};`.repeat(10)}">`),
    ']>',
    '<lolz>&lol9;</lolz>',
  ].join('\n');
  const started = performance.now();
  const result = read(laughs);
  assert.equal(refusalOf(result), 'entity-declaration');
  assert.ok(performance.now() - started < 1000, 'refused without expanding anything');
  assert.match(result.ok ? '' : result.message, /declares an entity/);
});

test('external entities and external DTDs (XXE) are refused', () => {
  assert.equal(refusalOf(read('<!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><root>&xxe;</root>')), 'external-entity');
  assert.equal(refusalOf(read('<!DOCTYPE root [<!ENTITY xxe PUBLIC "-//X//Y" "http://192.0.2.1/x">]><root>&xxe;</root>')), 'external-entity');
  assert.equal(refusalOf(read('<!DOCTYPE root SYSTEM "http://192.0.2.1/evil.dtd"><root/>')), 'external-entity');
  assert.equal(refusalOf(read('<!DOCTYPE root PUBLIC "-//X//Y" "http://192.0.2.1/evil.dtd"><root/>')), 'external-entity');
  assert.equal(refusalOf(read('<!DOCTYPE root [<!ENTITY % pe SYSTEM "http://192.0.2.1/x.dtd"> %pe;]><root/>')), 'external-entity');
  assert.equal(refusalOf(read('<!DOCTYPE root [ %pe; ]><root/>')), 'entity-declaration');
});

test('a reference to any entity but the five predefined ones is refused', () => {
  assert.equal(refusalOf(read('<root>&nbsp;</root>')), 'undeclared-entity');
  assert.equal(refusalOf(read('<root a="&xxe;"/>')), 'undeclared-entity');
  assert.equal(refusalOf(read('<root>&#0;</root>')), 'malformed');
  assert.equal(refusalOf(read('<root>&#xD800;</root>')), 'malformed');
});

test('size, depth, element and attribute caps are enforced', () => {
  const big = `<root>${'x'.repeat(70 * 1024)}</root>`;
  assert.equal(refusalOf(read(big)), 'too-large');
  assert.ok(readXml(Buffer.from(big), { maxBytes: 128 * 1024, maxDepth: 4, maxElements: 10, maxAttributes: 2 }).ok);
  assert.equal(refusalOf(read(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`)), 'too-deep');
  assert.ok(read(`${'<a>'.repeat(30)}${'</a>'.repeat(30)}`).ok);
  assert.equal(refusalOf(read(`<root>${'<e/>'.repeat(5000)}</root>`)), 'too-many-elements');
  assert.equal(refusalOf(read(`<root ${Array.from({ length: 40 }, (_, index) => `a${index}="1"`).join(' ')}/>`)), 'malformed');
});

test('malformed documents are refused with a reason, never thrown', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /no root element/],
    ['just text', /text before the root/],
    ['<root><a></root>', /closes <a>/],
    ['<root>', /ends inside <root>/],
    ['<root/><second/>', /second root/],
    ['<root/>trailing', /text after the root/],
    ['<root a=1/>', /not quoted/],
    ['<root a/>', /has no value/],
    ['<root><!-- open', /unterminated comment/],
    ['<root><![CDATA[ open', /unterminated CDATA/],
    ['<!DOCTYPE root [ <!ELEMENT root ANY>', /unterminated DOCTYPE/],
    ['</root>', /without a start tag/],
    ['< root/>', /expected element name/],
    ['<root><!WEIRD></root>', /unknown markup/],
  ];
  for (const [text, message] of cases) {
    const result = read(text);
    assert.equal(refusalOf(result), 'malformed', text);
    assert.match(result.ok ? '' : result.message, message, text);
  }
});

test('random bytes and mangled descriptions never throw and always end with a verdict', () => {
  const random = createRandom(7);
  const sample = Buffer.from('<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><modelName>R&amp;1</modelName></device></root>');
  for (let round = 0; round < 2000; round++) {
    const bytes = Buffer.from(sample);
    for (let flips = random.int(1, 8); flips > 0; flips--) bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
    const garbage = Buffer.from(Array.from({ length: random.int(0, 200) }, () => random.int(0, 255)));
    for (const input of [bytes, garbage, bytes.subarray(0, random.int(0, bytes.length))]) {
      const result = readXml(input);
      // Every refusal is one the reader decided on (it names where), never a stray exception it caught.
      if (!result.ok) assert.match(result.message, /\(at character \d+\)$/, result.message);
    }
  }
});
