// The lab command on IPv6: `opennotice lab --cidr 2001:db8:6::/64` in a network namespace that
// holds the prefix, started as the demo and the tests start it, with its control channel
// taking IPv6 addresses. Nothing leaves the namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenNoticeError } from '../src/core/errors.ts';
import { startLabProcess } from '../src/lab/lab-child-process.ts';
import { canonicalAddress } from '../src/scope/canonical-address.ts';
import { createIPv6Namespace } from './support/ipv6-namespace.ts';

test('the lab runs on an IPv6 documentation prefix in a namespace, and its owners fix devices by IPv6 address', async (t) => {
  const namespace = await createIPv6Namespace({ name: `on-v6-lab-${process.pid}`, prefix: '2001:db8:6::/64', sourceAddress: '2001:db8:6::1:1' });
  t.after(() => namespace.remove());
  const lab = await startLabProcess({ cidr: '2001:db8:6::/64', devices: 24, seed: 2, hostile: false, namespace: namespace.name, timeoutMs: 60_000 });
  try {
    assert.equal(lab.truth.cidr, '2001:db8:6::/64');
    assert.equal(lab.truth.devices.length, 24);
    assert.ok(lab.truth.devices.every((device) => device.ip.startsWith('2001:db8:6::') && canonicalAddress(device.ip) === device.ip));
    const [first] = lab.truth.devices;
    assert.deepEqual(await lab.remediate([first!.ip, '2001:db8:6::1:1']), { remediated: [first!.ip], unknown: ['2001:db8:6::1:1'] });
    // One address a line, in the form the lab knows: anything else never reaches the lab.
    await assert.rejects(lab.remediate(['2001:DB8:6::1']), (error: OpenNoticeError) => error.code === 'USAGE');
  } finally {
    await lab.stop();
  }
});
