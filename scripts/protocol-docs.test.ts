import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProtocolRegistry, shippedProtocols } from '../src/protocols/registry.ts';
import acmeStatus from '../test/protocol-fixture/acme-status/index.ts';
import { generatedTables, outdatedDocuments, withTable } from './protocol-docs.ts';

test('the docs’ protocol tables are the registry’s (node scripts/protocol-docs.ts rewrites them)', () => {
  assert.deepEqual(outdatedDocuments(), []);
});

test('a protocol added to the registry appears in every table, with its ports, transport and fields', () => {
  const registry = createProtocolRegistry([...shippedProtocols.protocols, acmeStatus]);
  const [list, fields] = generatedTables;
  const document = (name: string) => `before\n<!-- protocols:${name} -->\nold\n<!-- /protocols:${name} -->\nafter\n`;
  assert.match(withTable(document(list!.name), list!, registry), /\| acme-status \| tcp \| 7070 \| — \| yes \| a made-up status protocol/);
  const fieldTable = withTable(document(fields!.name), fields!, registry);
  assert.match(fieldTable, /\| acme-status \| `greeting` \| text \| the whole first line \|/);
  assert.match(fieldTable, /\| acme-status \| `loginRequired` \| boolean \| +\|/);
  assert.match(fieldTable, /\| http \| `headers.<lower-case name>` \| header map \|/);
  assert.ok(fieldTable.startsWith('before\n') && fieldTable.endsWith('after\n'), 'only the table between the markers changes');
  assert.throws(() => withTable('no markers', list!, registry), /markers/);
});
