import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Device, SoftwareComponent } from '../../core/records.ts';
import { openStore } from '../../store/open-store.ts';
import type { DeviceRow, DeviceVersionRow } from '../../store/roles/inventory.ts';
import { formatCommandHelp, type Command, type CommandIo } from '../command.ts';
import devices from './devices.ts';

function captureIo(): { io: CommandIo; stdout: () => string } {
  const out: string[] = [];
  const stream = {
    write: (chunk: string) => {
      out.push(String(chunk));
      return true;
    },
    isTTY: false,
  } as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream, stderr: stream, signal: new AbortController().signal }, stdout: () => out.join('') };
}

const dropbear: SoftwareComponent = {
  product: 'dropbear',
  version: '2014.63',
  cpe: 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2014.63:*:*:*:*:*:*:*',
  ruleId: 'component-dropbear',
  protocol: 'ssh',
  port: 22,
};

const camera = (ip: string, firmwareVersion: string, components: SoftwareComponent[] = []): Device => ({
  ip,
  identity: {
    vendor: 'Korvan',
    model: 'IPC-2120',
    deviceType: 'ip-camera',
    firmwareVersion,
    confidence: 0.9,
    evidence: [{ ruleId: 'korvan-http-title', protocol: 'http', port: 80, matched: 'Korvan IPC-2120 Web' }],
    components,
  },
});

const softwareOnly: Device = {
  ip: '192.0.2.20',
  identity: {
    deviceType: 'other',
    confidence: 0.95,
    evidence: [{ ruleId: 'component-dropbear', protocol: 'ssh', port: 22, matched: 'dropbear_2014.63' }],
    components: [dropbear],
  },
};

/** A store with a camera updated from 1.0 to 2.0, another camera, and a host known only by its dropbear. */
async function withInventory(work: (db: string) => Promise<void>): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-devices-'));
  try {
    const db = join(directory, 'store.sqlite');
    const store = await openStore(db);
    const scope = { scope: ['192.0.2.0/24'], exclude: [], ports: [22, 80], checks: ['identify'] };
    const january = await store.startRun({ startedAt: '2025-01-01T00:00:00.000Z', ...scope });
    await store.recordDevices(january, [camera('192.0.2.10', '1.0'), camera('198.51.100.1', '1.0'), softwareOnly]);
    const february = await store.startRun({ startedAt: '2025-02-01T00:00:00.000Z', ...scope });
    await store.recordDevices(february, [camera('192.0.2.10', '2.0', [dropbear])]);
    await store.close();
    await work(db);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function run(values: Parameters<typeof devices.run>[0], positionals: string[] = []): Promise<string> {
  const { io, stdout } = captureIo();
  assert.equal(await devices.run(values, positionals, io), 0);
  return stdout();
}

test('the table lists the current version of every device, its components, and no vendor where none was named', () =>
  withInventory(async (db) => {
    const lines = (await run({ db })).trimEnd().split('\n');
    assert.match(lines[0]!, /^IP\s+VENDOR\s+MODEL\s+DEVICE_TYPE\s+SECTOR\s+FIRMWARE\s+HARDWARE\s+COMPONENTS\s+VERSION\s+FIRST_SEEN\s+LAST_SEEN$/);
    assert.equal(lines.length, 4);
    assert.match(
      lines[1]!,
      /^192\.0\.2\.10\s+Korvan\s+IPC-2120\s+ip-camera\s+-\s+2\.0\s+-\s+dropbear 2014\.63\s+2\s+2025-01-01T00:00:00\.000Z\s+2025-02-01T00:00:00\.000Z$/,
    );
    assert.match(lines[2]!, /^192\.0\.2\.20\s+-\s+-\s+other\s+-\s+-\s+-\s+dropbear 2014\.63\s+1\s/);
    assert.match(lines[3]!, /^198\.51\.100\.1\s+Korvan/);
  }));

test('searches by address, CIDR, vendor, model and component product', () =>
  withInventory(async (db) => {
    const ips = async (values: Parameters<typeof devices.run>[0]) => (JSON.parse(await run({ db, json: true, ...values })) as DeviceRow[]).map((row) => row.ip);
    assert.deepEqual(await ips({ address: '192.0.2.0/24' }), ['192.0.2.10', '192.0.2.20']);
    assert.deepEqual(await ips({ address: '198.51.100.1' }), ['198.51.100.1']);
    assert.deepEqual(await ips({ vendor: 'KORVAN' }), ['192.0.2.10', '198.51.100.1']);
    assert.deepEqual(await ips({ model: 'ipc' }), ['192.0.2.10', '198.51.100.1']);
    assert.deepEqual(await ips({ product: 'dropbear' }), ['192.0.2.10', '192.0.2.20']);
    assert.deepEqual(await ips({ product: 'dropbear', vendor: 'korvan', address: '192.0.2.0/24' }), ['192.0.2.10']);
    assert.equal(await run({ db, product: 'lighttpd' }), 'no devices match\n');
  }));

test('--history lists every version of each device, oldest first, with when each was seen', () =>
  withInventory(async (db) => {
    const versions = JSON.parse(await run({ db, json: true, history: true, address: '192.0.2.10' })) as DeviceVersionRow[];
    assert.deepEqual(
      versions.map((row) => [row.version, row.firmwareVersion, row.components.length, row.firstSeen, row.lastSeen]),
      [
        [1, '1.0', 0, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
        [2, '2.0', 1, '2025-02-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'],
      ],
    );
    const table = (await run({ db, history: true, address: '192.0.2.10' })).trimEnd().split('\n');
    assert.match(table[0]!, /^IP\s+VERSION\s+VENDOR/);
    assert.deepEqual(
      table.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 2)),
      [
        ['192.0.2.10', '1'],
        ['192.0.2.10', '2'],
      ],
    );
    const csv = await run({ db, csv: true, history: true, address: '192.0.2.10' });
    assert.equal(csv.split('\r\n')[0], 'ip,version,vendor,model,device_type,sector,firmware,hardware,components,first_seen,last_seen');
    assert.match(csv, /192\.0\.2\.10,2,Korvan,IPC-2120,ip-camera,,2\.0,,dropbear 2014\.63,/);
  }));

test('CSV has a header row and one row per device; --limit cuts only the table', () =>
  withInventory(async (db) => {
    const rows = (await run({ db, csv: true })).trimEnd().split('\r\n');
    assert.equal(rows[0], 'ip,vendor,model,device_type,sector,firmware,hardware,components,version,first_seen,last_seen');
    assert.equal(rows.length, 4);
    const limited = await run({ db, limit: '1' });
    assert.equal(limited.trimEnd().split('\n').length, 3);
    assert.match(limited, /… 2 more devices/);
  }));

test('bad options are usage errors; --help explains the search and the history', async () => {
  const { io } = captureIo();
  await assert.rejects(
    devices.run({ address: '192.0.2.1/24' }, [], io),
    (error: Error & { code?: string }) => error.code === 'USAGE' && /host bits/.test(error.message),
  );
  await assert.rejects(devices.run({ address: 'not-an-address' }, [], io), (error: Error & { code?: string }) => error.code === 'USAGE');
  await assert.rejects(devices.run({ json: true, csv: true }, [], io), /choose one of --json and --csv/);
  await assert.rejects(devices.run({}, ['192.0.2.1'], io), /unexpected argument/);
  const help = formatCommandHelp(devices as unknown as Command);
  assert.match(help, /^Usage: opennotice devices /);
  for (const option of ['--address IP|CIDR', '--vendor TEXT', '--model TEXT', '--product TEXT', '--history', '--json', '--csv'])
    assert.ok(help.includes(option), option);
});
