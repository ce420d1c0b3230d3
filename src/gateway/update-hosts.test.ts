// The update path by address: a host name is resolved through the system's resolver (here
// "localhost", answered from /etc/hosts, so no DNS query leaves the machine), addresses pass
// as they are, and an endpoint must name exactly one of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logging/create-logger.ts';
import { updateEndpointOf } from './policy.ts';
import { resolveUpdatePath } from './update-hosts.ts';

test('host names become addresses with their port and label; addresses pass unchanged', async () => {
  const lines: string[] = [];
  const log = createLogger({ command: 'gateway', format: 'text', destination: { write: (text: string) => lines.push(text) } });
  const resolved = await resolveUpdatePath(
    [updateEndpointOf({ host: 'localhost', port: 443, label: 'vendor' }, 'test#0'), updateEndpointOf({ cidr: '203.0.113.0/24', label: 'mirror' }, 'test#1')],
    log,
  );
  assert.ok(
    resolved.some((entry) => entry.cidr === '127.0.0.1/32' && entry.port === 443 && entry.label === 'vendor'),
    JSON.stringify(resolved),
  );
  assert.deepEqual(resolved.at(-1), { cidr: '203.0.113.0/24', label: 'mirror' });
  assert.deepEqual(lines, []);
});

test('an endpoint names an address or a lower-case host, not both, not neither', () => {
  assert.deepEqual(updateEndpointOf({ host: 'update.vendor.example', port: 80, label: 'v' }, 'x'), { host: 'update.vendor.example', label: 'v', port: 80 });
  assert.deepEqual(updateEndpointOf({ cidr: '203.0.113.7', label: 'v' }, 'x'), { cidr: '203.0.113.7/32', label: 'v' });
  assert.throws(() => updateEndpointOf({ host: 'a.example', cidr: '203.0.113.7', label: 'v' }, 'x'), /exactly one of cidr and host/);
  assert.throws(() => updateEndpointOf({ label: 'v' }, 'x'), /exactly one of cidr and host/);
  assert.throws(() => updateEndpointOf({ host: 'Evil"; flush ruleset', label: 'v' }, 'x'), /not a lower-case host name/);
});
