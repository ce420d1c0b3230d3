import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { OpenNoticeError } from '../../core/errors.ts';
import { migrations, type Migration } from '../migrations/index.ts';
import { applyMigrations } from './migrate.ts';

const tableNames = (db: DatabaseSync): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);

test('a new database gets every migration once, and a second pass applies nothing', () => {
  const db = new DatabaseSync(':memory:');
  assert.deepEqual(
    applyMigrations(db, migrations, ':memory:'),
    migrations.map((m) => m.version),
  );
  assert.deepEqual(applyMigrations(db, migrations, ':memory:'), []);
  const recorded = db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>;
  assert.deepEqual(
    recorded.map((row) => row.version),
    migrations.map((m) => m.version),
  );
  for (const table of [
    'runs',
    'services',
    'devices',
    'findings',
    'finding_events',
    'credential_attempts',
    'vulnerabilities',
    'vulnerability_sources',
    'kev',
    'feed_imports',
  ]) {
    assert.ok(tableNames(db).includes(table), `missing table ${table}`);
  }
  db.close();
});

test('only the migrations newer than the database are applied', () => {
  const db = new DatabaseSync(':memory:');
  applyMigrations(db, migrations, ':memory:');
  const next: Migration = { version: migrations.length + 1, name: 'add notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY)' };
  assert.deepEqual(applyMigrations(db, [...migrations, next], ':memory:'), [next.version]);
  assert.ok(tableNames(db).includes('notes'));
  db.close();
});

test('a failing migration leaves nothing behind', () => {
  const db = new DatabaseSync(':memory:');
  const broken: Migration = { version: 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); CREATE TABLE oops (' };
  assert.throws(() => applyMigrations(db, [broken], ':memory:'));
  assert.deepEqual(tableNames(db), []);
  db.close();
});

test('a database from a newer opennotice is refused with STORE_FAILED', () => {
  const db = new DatabaseSync(':memory:');
  const future: Migration = { version: migrations.length + 1, name: 'future', sql: 'CREATE TABLE future (id INTEGER)' };
  applyMigrations(db, [...migrations, future], 'survey.db');
  assert.throws(
    () => applyMigrations(db, migrations, 'survey.db'),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'STORE_FAILED' && error.context.file === 'survey.db' && /newer/.test(error.message),
  );
  db.close();
});

test('a mis-numbered migration list is rejected before any change', () => {
  const db = new DatabaseSync(':memory:');
  const gap: Migration = { version: migrations.length + 2, name: 'gap', sql: 'CREATE TABLE gap (id INTEGER)' };
  assert.throws(() => applyMigrations(db, [...migrations, gap], ':memory:'), new RegExp(`expected ${migrations.length + 1}`));
  assert.deepEqual(tableNames(db), []);
  db.close();
});
