import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CPE_NA, escapeCpeValue, formatCpe, parseCpe } from './cpe.ts';

test('a firmware CPE with unknown attributes as ANY', () => {
  assert.equal(
    formatCpe({ part: 'o', vendor: 'korvan', product: 'ipc-2120_firmware', version: '5.4.2' }),
    'cpe:2.3:o:korvan:ipc-2120_firmware:5.4.2:*:*:*:*:*:*:*',
  );
  assert.equal(formatCpe({ part: 'h', vendor: 'korvan', product: 'ipc-2120' }), 'cpe:2.3:h:korvan:ipc-2120:*:*:*:*:*:*:*:*');
});

test('letters, digits, "_", "-" and "." stay; every other printable character is escaped', () => {
  assert.equal(escapeCpeValue('1.0_beta-2'), '1.0_beta-2');
  assert.equal(escapeCpeValue('12.2(33)SXH'), '12.2\\(33\\)sxh');
  assert.equal(escapeCpeValue('sdbus-c++'), 'sdbus-c\\+\\+');
  assert.equal(escapeCpeValue('a:b'), 'a\\:b');
  assert.equal(escapeCpeValue('back\\slash'), 'back\\\\slash');
  assert.equal(escapeCpeValue('we~ird!@#$%^&=,;/'), 'we\\~ird\\!\\@\\#\\$\\%\\^\\&\\=\\,\\;\\/');
});

test('literal wildcard characters are escaped so they cannot act as ANY', () => {
  assert.equal(escapeCpeValue('5.*'), '5.\\*');
  assert.equal(escapeCpeValue('what?'), 'what\\?');
  assert.equal(formatCpe({ part: 'a', vendor: 'x', product: 'y', version: '1.*' }), 'cpe:2.3:a:x:y:1.\\*:*:*:*:*:*:*:*');
});

test('text is made to fit a WFN value: lower case, whitespace as _, accents and non-ASCII removed', () => {
  assert.equal(escapeCpeValue('  LaserJet  Pro M404 '), 'laserjet_pro_m404');
  assert.equal(escapeCpeValue('Caméra'), 'camera');
  assert.equal(escapeCpeValue('型番X'), '__x');
});

test('ANY and NA are bound as * and -', () => {
  assert.equal(formatCpe({ part: 'a', vendor: 'x', product: 'y', version: CPE_NA, update: '*', edition: '' }), 'cpe:2.3:a:x:y:-:*:*:*:*:*:*:*');
});

test('parseCpe reverses formatCpe', () => {
  const text = 'cpe:2.3:o:cisco:ios:12.2\\(33\\)sxh:*:*:*:*:*:*:-';
  const name = parseCpe(text);
  assert.ok(name);
  assert.equal(name.part, 'o');
  assert.equal(name.vendor, 'cisco');
  assert.equal(name.version, '12.2(33)sxh');
  assert.equal(name.update, '*');
  assert.equal(name.other, '-');
  assert.equal(formatCpe(name), text);
  assert.deepEqual(parseCpe('cpe:2.3:a:x:a\\:b:1:*:*:*:*:*:*:*')?.product, 'a:b');
});

test('parseCpe rejects malformed names and embedded wildcards', () => {
  assert.equal(parseCpe('cpe:/o:korvan:ipc'), undefined, 'the 2.2 URI binding is not read here');
  assert.equal(parseCpe('cpe:2.3:o:korvan:ipc:1'), undefined, 'too few components');
  assert.equal(parseCpe('cpe:2.3:x:korvan:ipc:1:*:*:*:*:*:*:*'), undefined, 'unknown part');
  assert.equal(parseCpe('cpe:2.3:o:korvan:ipc:1.*:*:*:*:*:*:*:*'), undefined, 'embedded wildcard');
  assert.equal(parseCpe('cpe:2.3:o:korvan:ipc:a b:*:*:*:*:*:*:*'), undefined, 'whitespace');
  assert.equal(parseCpe('cpe:2.3:o:korvan:ipc:1:*:*:*:*:*:*:\\'), undefined, 'dangling backslash');
  assert.equal(parseCpe('cpe:2.3:o:korvan::1:*:*:*:*:*:*:*'), undefined, 'empty component');
});
