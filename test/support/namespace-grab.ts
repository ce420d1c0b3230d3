/**
 * Grab one service with a shipped protocol and print the outcome as JSON: run inside a
 * network namespace (`ip netns exec NS node test/support/namespace-grab.ts upnp 127.0.0.1 5000`)
 * to survey a daemon that lives there, with the real dialer limited to loopback.
 */
import { shippedProtocols } from '../../src/protocols/registry.ts';
import { createLoopbackContext } from './loopback-context.ts';

const [name, ip, port] = process.argv.slice(2);
const protocol = name ? shippedProtocols.byName(name) : undefined;
if (!protocol || !ip || !port) {
  process.stderr.write('usage: namespace-grab.ts PROTOCOL IP PORT\n');
  process.exit(2);
}
const outcome = await protocol.grab(createLoopbackContext({ ioTimeoutMs: 2000, deadlineMs: 5000 }), { ip, port: Number(port) });
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);
