import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenPort } from '../core/records.ts';
import { buildScope } from '../scope/scope.ts';
import { readOpenPorts } from './import.ts';

async function collect(file: string): Promise<OpenPort[]> {
  const found: OpenPort[] = [];
  for await (const port of readOpenPorts(file)) found.push(port);
  return found;
}

test('ZMap and masscan IPv6 output is read in canonical form and filtered by an IPv6 scope, not dropped', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-v6-import-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const zmap = join(directory, 'zmap6.csv');
  writeFileSync(zmap, 'saddr,sport,classification,success\n2001:DB8:6:0::1a,23,synack,1\n2001:db8:6::1b,80,rst,0\n2001:db8:7::1,23,synack,1\n');
  const masscan = join(directory, 'masscan6.json');
  writeFileSync(masscan, '[\n{"ip": "2001:db8:6:0:0:0:0:2c", "timestamp": "1700000000", "ports": [{"port": 2323, "proto": "tcp", "status": "open"}]}\n]\n');
  const scope = buildScope({ allow: ['2001:db8:6::/64'], exclude: ['2001:db8:6::2c'], allowReserved: ['2001:db8:6::/64'] });

  const fromZmap = await collect(zmap);
  assert.deepEqual(
    fromZmap.map((open) => [open.ip, open.port]),
    [
      ['2001:db8:6::1a', 23],
      ['2001:db8:7::1', 23],
    ],
  );
  assert.deepEqual(
    fromZmap.filter((open) => scope.allows(open.ip)).map((open) => open.ip),
    ['2001:db8:6::1a'],
  );
  const fromMasscan = await collect(masscan);
  assert.deepEqual(
    fromMasscan.map((open) => [open.ip, open.port]),
    [['2001:db8:6::2c', 2323]],
  );
  assert.equal(scope.allows(fromMasscan[0]!.ip), false, 'an excluded IPv6 address stays excluded');
});
