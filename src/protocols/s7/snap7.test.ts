// The S7 grab against a real S7 server: snap7's, built from the sources the node-snap7 npm
// package ships (test/support/snap7/). snap7 plays a CPU 315-2 PN/DP in rack 0, slot 2.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { type Snap7Server, startSnap7Server } from '../../../test/support/snap7/snap7-server.ts';
import { createIdentifier } from '../../identify/engine.ts';
import { loadRuleFiles } from '../../identify/rule-loader.ts';
import s7 from './index.ts';

const target = { ip: '127.151.9.1', port: 10102 };
let server: Snap7Server;

before(
  async () => {
    server = await startSnap7Server(target.ip, target.port);
  },
  { timeout: 150_000 },
);
after(async () => server?.stop());

test('snap7: the grab reads the module and component identification, and the rules name a Siemens S7-300', async () => {
  const outcome = await s7.grab(createLoopbackContext({ ioTimeoutMs: 1000, deadlineMs: 4000 }), target);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.result.destinationTsap, 0x0102);
  assert.equal(outcome.result.orderNumber, '6ES7 315-2EH14-0AB0');
  assert.equal(outcome.result.firmwareVersion, 'V3.2.6');
  assert.equal(outcome.result.moduleType, 'CPU 315-2 PN/DP');
  assert.equal(outcome.result.copyright, 'Original Siemens Equipment');
  assert.equal(outcome.result.szlError, undefined);
  const identity = createIdentifier(loadRuleFiles()).identify(target.ip, [
    { ...target, protocol: 's7', status: 'success', result: outcome.result, durationMs: 1, observedAt: '2026-12-07T00:00:00Z' },
  ]);
  assert.deepEqual([identity?.vendor, identity?.model, identity?.firmwareVersion, identity?.deviceType], ['Siemens', 'S7-300', '3.2.6', 'critical']);
});
