// A process that starts the native UDP receiver through the listener and then waits to be
// killed: the test kills this parent with SIGKILL (no cleanup runs) and checks the receiver
// dies too. Args: ADDRESS CACHE_DIRECTORY. Prints the receiver's pid as one line on stdout.
import { listenUdp } from '../../src/scope/udp-listener.ts';

const [address = '127.170.0.1', cacheDirectory] = process.argv.slice(2);
const listener = await listenUdp({ address, port: 0, receiver: 'native', nativeBuild: { cacheDirectory } }, () => undefined);
process.stdout.write(`${listener.receiverPid}\n`);
// Kept alive by the receiver's pipes; nothing else to do until killed.
