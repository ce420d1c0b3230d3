/**
 * Run as a program inside a test's network namespace: sends UDP flows from fixed source ports,
 * so the test knows every 5-tuple and packet count an exporter there must report.
 *   node send-udp-flows.ts SOURCE_ADDRESS DESTINATION_ADDRESS SOURCE_PORT:DESTINATION_PORT:PACKETS:PAYLOAD_BYTES ...
 * Prints "sent" when every datagram has left its socket.
 */
import { createSocket } from 'node:dgram';

async function sendFlow(sourceAddress: string, destinationAddress: string, spec: string): Promise<void> {
  const [sourcePort, destinationPort, packets, payloadBytes] = spec.split(':').map(Number) as [number, number, number, number];
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(sourcePort, sourceAddress, () => resolve());
  });
  // Nobody listens at the destination: its ICMP port-unreachable replies would close a connected socket, so each send names the peer.
  socket.on('error', () => undefined);
  for (let index = 0; index < packets; index++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(Buffer.alloc(payloadBytes, index), destinationPort, destinationAddress, (error) => (error ? reject(error) : resolve())),
    );
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

if (import.meta.main) {
  const [sourceAddress, destinationAddress, ...flows] = process.argv.slice(2);
  if (!sourceAddress || !destinationAddress || flows.length === 0) throw new Error('usage: send-udp-flows.ts SOURCE DESTINATION SPORT:DPORT:PACKETS:BYTES ...');
  for (const flow of flows) await sendFlow(sourceAddress, destinationAddress, flow);
  process.stdout.write('sent\n');
}
