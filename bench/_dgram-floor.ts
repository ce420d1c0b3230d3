// The flows benchmark's floor: a Node process that only receives the export stream with
// node:dgram (one 'message' event per datagram, as the collector's listener does) and decodes
// nothing. Its CPU seconds are what any Node collector pays before its own work. Binds the
// address and port it is given (127.160.0.0/16), prints "listening" on stderr when bound and
// its datagram count as JSON on SIGTERM.
import { createSocket } from 'node:dgram';

const [address = '127.160.0.3', port = '0'] = process.argv.slice(2);
const socket = createSocket('udp4');
let datagrams = 0;
socket.on('message', () => {
  datagrams++;
});
socket.bind(Number(port), address, () => {
  socket.setRecvBufferSize(8 * 1024 * 1024);
  process.stderr.write('listening\n');
});
process.once('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ datagrams })}\n`);
  socket.close();
});
