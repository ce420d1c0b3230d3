// R4: the SSDP grab answers a valid M-SEARCH response by fetching its LOCATION over
// TCP, so a hostile device can answer the UDP question honestly and make the description fetch
// the trap: a tarpit, a drip, endless text, a 10 MiB header, a redirect loop, a gzip bomb or an
// XML bomb. The grab must end within the UDP wait plus the fetch's own deadline and keep its
// success (the SSDP answer was real) with the description marked as unread.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { measuringContext } from './support/hostile-matrix.ts';
import { startHostileTcpPeer, tcpHostilities } from './support/hostile-peers.ts';

/** ssdp's quiet wait (1.2 s) plus its description fetch's deadline (5 s) plus margin for a loaded machine. */
const boundMs = 1200 + 5000 + 3000;

test('a hostile LOCATION behind an honest SSDP answer ends the grab within its bounds', async () => {
  const ssdp = shippedProtocols.byName('ssdp');
  assert.ok(ssdp);
  const rows = await Promise.all(
    tcpHostilities.map(async (behaviour, index) => {
      const host = `127.169.22.${index + 1}`;
      const http = await startHostileTcpPeer(host, behaviour, { scheme: 'HTTP/1.1', firstLine: Buffer.from('HTTP/1.1 200 OK\r\n') });
      const udp = createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
      udp.on('message', (_request, from) => {
        const reply = `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://${host}:${http.port}/description.xml\r\nSERVER: Linux/3.4 UPnP/1.0 hostile/1\r\nST: upnp:rootdevice\r\nUSN: uuid:hostile-${index}::upnp:rootdevice\r\n\r\n`;
        udp.send(reply, from.port, from.address);
      });
      const { ctx, ledger } = measuringContext();
      const started = performance.now();
      try {
        const outcome = await ssdp.grab(ctx, { ip: host, port: udp.address().port });
        return { behaviour, outcome, ms: Math.round(performance.now() - started), ledger: ledger() };
      } finally {
        udp.close();
        await http.close();
      }
    }),
  );
  process.stdout.write(
    `\nhostile SSDP LOCATION:\n${rows.map((row) => `${row.behaviour.padEnd(15)} ${row.outcome.status} description=${String(row.outcome.result.description)} ${row.ms}ms ${row.ledger.worst.bytesRead}B`).join('\n')}\n\n`,
  );
  for (const row of rows) {
    assert.equal(row.outcome.status, 'success', row.behaviour);
    assert.notEqual(row.outcome.result.description, 'read', `${row.behaviour}: a hostile description was read`);
    assert.ok(row.ms < boundMs, `${row.behaviour}: ${row.ms} ms`);
    assert.equal(row.ledger.overCap, 0, `${row.behaviour}: read ${row.ledger.worst.bytesRead}`);
  }
});
