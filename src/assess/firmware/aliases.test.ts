import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { aliasTableFromDataFile, emptyAliasTable, loadAliasTable, looseKey } from './aliases.ts';

const fromText = (text: string) => aliasTableFromDataFile(parseDataFile(text, 'test-aliases.yaml', 'CONFIG_INVALID'));

test('the loose key merges punctuation variants', () => {
  assert.equal(looseKey('D-Link'), 'dlink');
  assert.equal(looseKey('i-o_data'), 'iodata');
  assert.equal(looseKey('DIR-820L A1'), 'dir820la1');
  assert.equal(looseKey('tl-wr841n_\\(9.0\\)'), 'tlwr841n(9.0)');
  const table = emptyAliasTable();
  assert.equal(table.vendorKey('TP-Link'), table.vendorKey('tplink'));
  assert.notEqual(table.vendorKey('buffalo'), table.vendorKey('buffalotech'));
});

test('the shipped table joins the vendor spellings NVD uses', () => {
  const table = loadAliasTable();
  for (const [left, right] of [
    ['tp-link', 'tplink'],
    ['d-link', 'dlink'],
    ['D-Link', 'dlink'],
    ['buffalo', 'buffalotech'],
    ['i-o_data', 'iodata'],
    ['nec', 'aterm'],
    ['ubiquiti', 'ui'],
    ['dahua', 'dahuasecurity'],
    ['NETGEAR', 'netgear'],
    ['ZyXEL', 'zyxel'],
  ]) {
    assert.equal(table.vendorKey(left), table.vendorKey(right), `${left} = ${right}`);
  }
  assert.notEqual(table.vendorKey('dlink'), table.vendorKey('tp-link'));
  assert.equal(table.cpeVendor('D-Link'), 'dlink');
  assert.equal(table.cpeVendor('Buffalo Inc.'), 'buffalo');
  assert.equal(table.cpeVendor('Some New Vendor'), 'some_new_vendor');
  const dlink = table.vendorKey('dlink');
  assert.equal(table.productKey(dlink, 'dir-850l_firmare'), table.productKey(dlink, 'dir-850l_firmware'));
  assert.deepEqual(table.modelProducts(dlink, 'DIR-820L A1'), { firmware: ['dir820la1_firmware'], hardware: ['dir820la1'] });
  assert.deepEqual(table.prefixes(table.vendorKey('NEC')), ['aterm']);
});

test('invalid alias data is a located CONFIG_INVALID error', () => {
  assert.throws(
    () => fromText('vendors:\n  - { canonical: dlink, aliases: [d-link] }\n  - { canonical: tplink, aliases: [dlink] }\n'),
    (error: unknown) =>
      error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && error.context.line === 3 && /already belongs/.test(error.message),
  );
  assert.throws(
    () => fromText('vendors:\n  - { canonical: dlink, alias: [d-link] }\n'),
    (error: unknown) => error instanceof OpenNoticeError && error.context.line === 2 && /unknown field "alias"/.test(error.message),
  );
  assert.throws(
    () => fromText('models:\n  - { vendor: dlink, model: X }\n'),
    (error: unknown) => error instanceof OpenNoticeError && error.context.file === 'test-aliases.yaml' && /needs firmware or hardware/.test(error.message),
  );
  assert.throws(() => fromText('vendors: nope\n'), /expected a list/);
});
