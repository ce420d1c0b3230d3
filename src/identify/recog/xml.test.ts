import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../../core/errors.ts';
import { parseXml } from './xml.ts';

test('elements, attributes, entities, comments and CDATA', () => {
  const root = parseXml(
    `<?xml version='1.0'?>\n<!-- head -->\n<fps matches="a.b">\n  <fp pattern="^a &amp; b&#13;&#x41;'q'"/>\n  <fp pattern='x"y'><example>1 &lt; 2</example><![CDATA[<raw>]]></fp>\n</fps>\n`,
    'test.xml',
  );
  assert.equal(root.name, 'fps');
  assert.equal(root.attributes.matches, 'a.b');
  assert.equal(root.children.length, 2);
  assert.equal(root.children[0].attributes.pattern, "^a & b\rA'q'");
  assert.equal(root.children[0].line, 4);
  assert.equal(root.children[1].attributes.pattern, 'x"y');
  assert.equal(root.children[1].children[0].text, '1 < 2');
  assert.equal(root.children[1].text, '<raw>');
  assert.equal(root.children[1].line, 5);
});

test('malformed XML is an IMPORT_INVALID error with its line', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['<a>\n<b>\n</a>', 3, /does not match <b>/],
    ['<a>\n<b x=1/>\n</a>', 2, /malformed tag/],
    ['<a>\n&bogus;</a>', 2, /unknown entity/],
    ['<a>\n<!-- never closed', 2, /unterminated comment/],
    ['<a>\n<b/>', 2, /never closed/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseXml(text, 'bad.xml'),
      (error: unknown) => {
        assert.ok(error instanceof OpenNoticeError);
        assert.equal(error.code, 'IMPORT_INVALID');
        assert.equal(error.context.line, line, text);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});
