import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrations } from '../migrations/index.ts';
import { openDatabase, sqliteContext } from './database.ts';
import { applyMigrations } from './migrate.ts';
import { sqliteInventoryStore } from './inventory.ts';

const at = '2025-01-01T00:00:00.000Z';

test('migration 010 keeps every device as its version 1, allows a device without a vendor, and keeps the indexes the dashboard names', () => {
  const db = openDatabase(':memory:');
  const before = migrations.findIndex((migration) => migration.version === 10);
  applyMigrations(db, migrations.slice(0, before), ':memory:');
  db.exec(`INSERT INTO runs (id, started_at, scope, exclude, ports, checks) VALUES (1, '${at}', '[]', '[]', '[]', '[]');
    INSERT INTO devices (ip, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
                         first_seen, last_seen, first_run_id, last_run_id)
      VALUES ('192.0.2.7', 'Korvan', 'IPC-2120', 'ip-camera', '1.0', 'B1', 2014, 'cpe:2.3:o:korvan:ipc-2120_firmware:1.0:*:*:*:*:*:*:*', 0.9, '[]',
              '${at}', '2025-02-01T00:00:00.000Z', 1, 1);`);
  applyMigrations(db, migrations, ':memory:');

  assert.deepEqual(
    { ...db.prepare('SELECT ip, version, vendor, firmware_version, hardware_version, components, first_seen, last_seen FROM device_versions').get() },
    {
      ip: '192.0.2.7',
      version: 1,
      vendor: 'Korvan',
      firmware_version: '1.0',
      hardware_version: 'B1',
      components: '[]',
      first_seen: at,
      last_seen: '2025-02-01T00:00:00.000Z',
    },
  );
  assert.deepEqual({ ...db.prepare('SELECT version, components, release_year FROM devices').get() }, { version: 1, components: '[]', release_year: 2014 });
  db.exec(`INSERT INTO devices (ip, device_type, confidence, evidence, first_seen, last_seen, first_run_id, last_run_id)
    VALUES ('192.0.2.8', 'other', 0.9, '[]', '${at}', '${at}', 1, 1)`);
  const indexes = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' ORDER BY name").all() as Array<{ name: string }>
  ).map((row) => row.name);
  assert.ok(indexes.includes('devices_by_type') && indexes.includes('devices_by_vendor'), indexes.join(', '));
  db.close();
});

test('a device recorded after the migration continues the history the migration started', async () => {
  const db = openDatabase(':memory:');
  applyMigrations(
    db,
    migrations.slice(
      0,
      migrations.findIndex((migration) => migration.version === 10),
    ),
    ':memory:',
  );
  db.exec(`INSERT INTO runs (id, started_at, scope, exclude, ports, checks) VALUES (1, '${at}', '[]', '[]', '[]', '[]'), (2, '2025-03-01T00:00:00.000Z', '[]', '[]', '[]', '[]');
    INSERT INTO devices (ip, vendor, model, device_type, firmware_version, confidence, evidence, first_seen, last_seen, first_run_id, last_run_id)
      VALUES ('192.0.2.7', 'Korvan', 'IPC-2120', 'ip-camera', '1.0', 0.9, '[]', '${at}', '${at}', 1, 1);`);
  applyMigrations(db, migrations, ':memory:');
  const store = sqliteInventoryStore(sqliteContext(db, ':memory:'));
  await store.recordDevices(2, [
    { ip: '192.0.2.7', identity: { vendor: 'korvan', model: 'IPC-2120', deviceType: 'ip-camera', firmwareVersion: '1.0', confidence: 0.9, evidence: [] } },
  ]);
  await store.recordDevices(2, [
    { ip: '192.0.2.7', identity: { vendor: 'Korvan', model: 'IPC-2120', deviceType: 'ip-camera', firmwareVersion: '1.1', confidence: 0.9, evidence: [] } },
  ]);
  assert.deepEqual(
    (await store.listDeviceVersions('192.0.2.7')).map((row) => [row.version, row.firmwareVersion, row.lastRunId]),
    [
      [1, '1.0', 2],
      [2, '1.1', 2],
    ],
  );
  db.close();
});
