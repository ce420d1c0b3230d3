/**
 * What a device behind the gateway tries, run as a short process inside the test's device
 * namespace; prints one line saying what happened, always within a few seconds.
 * Usage: node gateway-probe.ts tcp HOST PORT | http URL [FROM_ADDRESS] | dns SERVER NAME
 *   tcp  → "connected", "refused" or "timeout"
 *   http → "status N" and the body, or "refused"/"timeout"
 *   dns  → "answer A.B.C.D" or "timeout"
 */
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { connect } from 'node:net';

const timeoutMs = 2000;

function tcp(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' ? 'refused' : `error ${error.code}`);
    });
  });
}

function http(url: string, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request(url, { timeout: timeoutMs, headers: { 'accept-language': 'en' }, ...(localAddress ? { localAddress } : {}) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(`status ${response.statusCode}\n${Buffer.concat(chunks).toString('utf8')}`));
    });
    outgoing.on('timeout', () => {
      outgoing.destroy();
      resolve('timeout');
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' ? 'refused' : 'timeout'));
    outgoing.end();
  });
}

function dns(server: string, name: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const labels = name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
    const query = Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
    const timer = setTimeout(() => {
      socket.close();
      resolve('timeout');
    }, timeoutMs);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(`answer ${[...message.subarray(message.length - 4)].join('.')}`);
    });
    socket.send(query, 53, server);
  });
}

async function main(): Promise<void> {
  const [mode, first = '', second = ''] = process.argv.slice(2);
  const result =
    mode === 'tcp'
      ? await tcp(first, Number(second))
      : mode === 'http'
        ? await http(first, second || undefined)
        : mode === 'dns'
          ? await dns(first, second)
          : `unknown mode ${mode}`;
  process.stdout.write(`${result}\n`);
}

if (import.meta.main) await main();
