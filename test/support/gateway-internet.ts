/**
 * The "internet" of the gateway's end-to-end test, run as its own process inside the test's
 * on-gw-net namespace: a C&C endpoint (TCP), an ordinary web site on ports 80 and 81, and a DNS
 * server that answers every A question with the web site's address. Prints "ready" once all
 * listen; runs until killed.
 * Usage: node gateway-internet.ts CNC_IP CNC_PORT SITE_IP DNS_IP
 */
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';

export const siteBody = 'the allowed site answered';

/** A DNS answer to a one-question query: the same id and question, one A record. */
function answer(query: Buffer, address: string): Buffer | undefined {
  if (query.length < 17) return undefined;
  let end = 12;
  while (end < query.length && query[end] !== 0) end += query[end]! + 1;
  const question = query.subarray(12, end + 5);
  const header = Buffer.from([query[0]!, query[1]!, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  const record = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address.split('.').map(Number)]);
  return Buffer.concat([header, question, record]);
}

async function main(): Promise<void> {
  const [cncIp = '', cncPort = '', siteIp = '', dnsIp = ''] = process.argv.slice(2);
  const cnc = createTcpServer((socket) => {
    // A probe that only checks the connection resets it: that must not end this process.
    socket.on('error', () => {});
    socket.end('cnc says hello\n');
  });
  await new Promise<void>((resolve) => cnc.listen(Number(cncPort), cncIp, resolve));
  for (const port of [80, 81]) {
    const site = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(siteBody);
    });
    await new Promise<void>((resolve) => site.listen(port, siteIp, resolve));
  }
  const dns = createSocket('udp4');
  dns.on('message', (message, from) => {
    const reply = answer(message, siteIp);
    if (reply) dns.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => dns.bind(53, dnsIp, resolve));
  process.stdout.write('ready\n');
}

if (import.meta.main) await main();
