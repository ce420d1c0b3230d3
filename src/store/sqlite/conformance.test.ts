// Every role's conformance suite on the SQLite store: in memory, and in a file (WAL, a real
// journal). A second implementation adds a file like this one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { storeConformance } from '../../../test/store-conformance/index.ts';
import { openSqliteStore } from './sqlite-store.ts';

describe('SQLite store in memory', () => storeConformance(async () => openSqliteStore(':memory:')));

describe('SQLite store in a file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-conformance-'));
  after(() => rmSync(directory, { recursive: true, force: true }));
  let opened = 0;
  storeConformance(async () => openSqliteStore(join(directory, `store-${++opened}.sqlite`)));
});
