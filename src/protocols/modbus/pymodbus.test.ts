// The Modbus grab against a real Modbus/TCP server: pymodbus (Debian's python3-pymodbus; npm test
// installs it as root), given a device identity of its regular category, on 127.150.2.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { type Daemon, startDaemon } from '../../../test/support/real-daemons/daemon.ts';
import { grabModbus } from './grabber.ts';
import modbus from './index.ts';

const python = '/usr/bin/python3';
const missing = 'pymodbus is missing: npm test installs it as root (apt-get install python3-pymodbus)';
const script = fileURLToPath(new URL('../../../test/support/real-daemons/pymodbus-identity-server.py', import.meta.url));
const ctx = createLoopbackContext({ ioTimeoutMs: 1500, deadlineMs: 5000 });
let directory = '';
let server: Daemon | undefined;

before(async () => {
  if (!existsSync('/usr/lib/python3/dist-packages/pymodbus')) return;
  directory = mkdtempSync(join(tmpdir(), 'on-ics-a-pymodbus-'));
  server = await startDaemon({
    name: 'pymodbus',
    command: python,
    args: [
      script,
      '127.150.2.1',
      '1502',
      'VendorName=Pymodbus Test Works',
      'ProductCode=PMT-9',
      'MajorMinorRevision=V3.0.0',
      'VendorUrl=https://example.org/pymodbus',
      'ProductName=Pymodbus Server',
      'ModelName=PMT-9 Model',
    ],
    ip: '127.150.2.1',
    port: 1502,
    logFile: join(directory, 'pymodbus.log'),
    startTimeoutMs: 15_000,
  });
});

after(async () => {
  await server?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('pymodbus: the basic and regular objects are read from unit 0', async () => {
  assert.ok(server, missing);
  const outcome = await grabModbus(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    identification: 'answered',
    unitId: 0,
    conformityLevel: 0x83,
    vendorName: 'Pymodbus Test Works',
    productCode: 'PMT-9',
    revision: 'V3.0.0',
    vendorUrl: 'https://example.org/pymodbus',
    productName: 'Pymodbus Server',
    modelName: 'PMT-9 Model',
  });
});

test("pymodbus: the detection probe's answer is recognised", async () => {
  assert.ok(server, missing);
  const probe = modbus.detect?.probe;
  assert.ok(probe);
  const conn = await ctx.dial({ ip: server.ip, port: server.port });
  try {
    await conn.write(Buffer.from(probe.request({ ip: server.ip, port: server.port })));
    const read = await conn.readUntil((bytes) => probe.matches(bytes));
    assert.ok(probe.matches(read.data), read.data.toString('hex'));
  } finally {
    conn.close();
  }
});
