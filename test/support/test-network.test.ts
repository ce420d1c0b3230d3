// The multi-host test network: hosts reach the lab host's loopback range over their veths, and
// the test's own services through the bridge address; nothing else is set up. Needs root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createTestNetwork } from './test-network.ts';

const node = process.execPath;
/** A TCP client run inside a host: prints what the server sent, or the error. */
const clientScript = `const s=require('node:net').connect({host:process.argv[1],port:+process.argv[2]});let d='';s.on('data',c=>d+=c);s.on('end',()=>{console.log(d);process.exit(0)});s.on('error',e=>{console.log('error '+e.code);process.exit(0)});setTimeout(()=>{console.log('timeout');process.exit(0)},4000)`;
/** A TCP server run inside a host on one address: answers with who connected. */
const serverScript = `require('node:net').createServer(s=>s.end('lab saw '+s.remoteAddress)).listen(+process.argv[2],process.argv[1],()=>console.log('listening'))`;

test('hosts reach the lab host’s loopback range and the test’s own address through the bridge, from their own addresses', { timeout: 60_000 }, async () => {
  const network = await createTestNetwork({ name: 'tnet', subnet: 240, hosts: ['lab', 'w1', 'w2'], lab: { host: 'lab', cidr: '127.141.0.0/20' } });
  const own = createServer((socket) => socket.end(`test saw ${socket.remoteAddress}`));
  const labServer = network.host('lab').spawn(node, ['-e', serverScript, '127.141.3.7', '4000']);
  try {
    own.listen(4001, network.gatewayAddress);
    await once(own, 'listening');
    const [line] = (await once(labServer.stdout!, 'data')) as [Buffer];
    assert.match(line.toString(), /listening/);
    for (const name of ['w1', 'w2']) {
      const host = network.host(name);
      assert.equal((await host.exec(node, ['-e', clientScript, '127.141.3.7', '4000'])).trim(), `lab saw ${host.address}`);
      assert.equal((await host.exec(node, ['-e', clientScript, network.gatewayAddress, '4001'])).trim(), `test saw ${host.address}`);
      // 127.0.0.1 stays the host's own: nothing listens there.
      assert.equal((await host.exec(node, ['-e', clientScript, '127.0.0.1', '4000'])).trim(), 'error ECONNREFUSED');
    }
  } finally {
    labServer.kill('SIGKILL');
    own.close();
    await network.remove();
  }
  // Removed: the namespaces are gone.
  const { execFileSync } = await import('node:child_process');
  assert.doesNotMatch(execFileSync('ip', ['netns', 'list']).toString(), /on-tnet-/);
});
