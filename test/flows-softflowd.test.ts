// A real exporter: Debian's softflowd watches a veth interface in a network namespace the test
// creates and exports NetFlow v5, v9 and IPFIX to `opennotice flows collect` running in the same
// namespace; the traffic is UDP the test sends from a second namespace with its own sockets.
// The flows collected must be exactly the 5-tuples and packet counts that were sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { FlowRecord } from '../src/flows/flow-record.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { createNetworkNamespace, stopProcess, type NetworkNamespace } from './support/network-namespace.ts';

const cliEntry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const sender = fileURLToPath(new URL('./support/send-udp-flows.ts', import.meta.url));
const senderAddress = '10.160.0.1';
const exporterSideAddress = '10.160.0.2';
const nodeFlags = ['--disable-warning=ExperimentalWarning'];

/** Lines a child prints, with a bounded wait for one that matches. */
function lineReader(child: ChildProcess) {
  const lines: string[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  return {
    lines,
    async waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
      if (done()) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; collector printed:\n${lines.slice(-20).join('\n')}`));
        }, timeoutMs);
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}

async function waitForStderr(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms; stderr: ${seen}`)), timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`exited before "${text}"; stderr: ${seen}`)));
  });
}

interface SentFlow {
  sourcePort: number;
  destinationPort: number;
  packets: number;
  payloadBytes: number;
}

test('softflowd exporting NetFlow v5, v9 and IPFIX: the collected flows are exactly what was sent', { timeout: 120_000 }, async (t) => {
  const suffix = process.pid % 100000;
  const namespaces: NetworkNamespace[] = [];
  const children: ChildProcess[] = [];
  const work = mkdtempSync(join(tmpdir(), 'on-flows-'));
  t.after(async () => {
    for (const child of children) await stopProcess(child);
    for (const namespace of namespaces) await namespace.remove();
    rmSync(work, { recursive: true, force: true });
  });
  const senderSide = await createNetworkNamespace(`on-flows-send-${suffix}`);
  namespaces.push(senderSide);
  const exporterSide = await createNetworkNamespace(`on-flows-export-${suffix}`);
  namespaces.push(exporterSide);
  await senderSide.exec('ip', ['link', 'add', 'onflows0', 'type', 'veth', 'peer', 'name', 'onflows1', 'netns', exporterSide.name]);
  await senderSide.exec('ip', ['addr', 'add', `${senderAddress}/30`, 'dev', 'onflows0']);
  await senderSide.exec('ip', ['link', 'set', 'onflows0', 'up']);
  await exporterSide.exec('ip', ['addr', 'add', `${exporterSideAddress}/30`, 'dev', 'onflows1']);
  await exporterSide.exec('ip', ['link', 'set', 'onflows1', 'up']);

  const collector = exporterSide.spawn(process.execPath, [
    ...nodeFlags,
    cliEntry,
    'flows',
    'collect',
    '--listen',
    '127.0.0.1:2055',
    '--print-flows',
    '--db',
    join(work, 'flows.sqlite'),
  ]);
  children.push(collector);
  const stderrReady = waitForStderr(collector, 'listening for flows on', 20_000);
  const output = lineReader(collector);
  await stderrReady;
  const collected = (): FlowRecord[] => output.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as FlowRecord);

  const send = async (flows: readonly SentFlow[]) => {
    const specs = flows.map((flow) => `${flow.sourcePort}:${flow.destinationPort}:${flow.packets}:${flow.payloadBytes}`);
    const printed = await senderSide.exec(process.execPath, [...nodeFlags, sender, senderAddress, exporterSideAddress, ...specs], 20_000);
    assert.match(printed, /sent/);
  };

  for (const [index, version] of (['5', '9', '10'] as const).entries()) {
    await t.test(`version ${version}`, async () => {
      const control = join(work, `softflowd-${version}.ctl`);
      const exporter = exporterSide.spawn('softflowd', [
        '-d',
        '-B',
        '65536',
        '-i',
        'onflows1',
        '-n',
        '127.0.0.1:2055',
        '-v',
        version,
        '-c',
        control,
        '-p',
        join(work, `softflowd-${version}.pid`),
      ]);
      children.push(exporter);
      const expireAll = () => exporterSide.exec('softflowctl', ['-c', control, 'expire-all']).catch(() => '');
      // Ports unique to this version, so a late record of an earlier round cannot be mistaken for one of this.
      const base = 30000 + index * 1000;
      const ofThisRound = (flow: FlowRecord) => flow.protocol === 17 && flow.sourcePort >= base && flow.sourcePort < base + 1000;

      const sent: SentFlow[] = [
        { sourcePort: base + 1, destinationPort: 5001, packets: 3, payloadBytes: 100 },
        { sourcePort: base + 2, destinationPort: 5002, packets: 7, payloadBytes: 20 },
        { sourcePort: base + 3, destinationPort: 53, packets: 1, payloadBytes: 40 },
      ];
      // softflowd opens its capture a while after it starts, and libpcap hands packets over only
      // when a ring block fills (softflowd asks for no immediate mode). So: filler flows on other
      // ports until one comes back (the capture runs), then the flows, then filler again until
      // the block holding them has reached softflowd.
      let fillerPort = base + 900;
      const flush = async () => {
        await send([{ sourcePort: fillerPort++, destinationPort: 9, packets: 100, payloadBytes: 1000 }]);
        await expireAll();
      };
      const waitUntil = async (done: () => boolean, what: string) => {
        for (let attempt = 0; !done(); attempt++) {
          assert.ok(attempt < 30, `softflowd ${version} never exported ${what}; collector printed:\n${output.lines.slice(-10).join('\n')}`);
          await flush();
          await output.waitFor(done, 1000, what).catch(() => undefined);
        }
      };
      await waitUntil(() => collected().some(ofThisRound), 'a filler flow');
      await send(sent);
      const ofTraffic = (flow: FlowRecord) => ofThisRound(flow) && flow.sourcePort < base + 900;
      // Records are summed per 5-tuple: should an expire-all land while only part of a flow's
      // packets had reached softflowd, the flow comes as two records, and the sum must still be exact.
      const sentPackets = sent.reduce((sum, flow) => sum + flow.packets, 0);
      await waitUntil(
        () =>
          collected()
            .filter(ofTraffic)
            .reduce((sum, flow) => sum + flow.packets, 0) >= sentPackets,
        `the ${sentPackets} packets sent`,
      );
      const flows = collected().filter(ofTraffic);
      const perTuple = new Map<string, [string, string, number, number, number, number, number]>();
      for (const flow of flows) {
        const key = `${flow.sourceAddress} ${flow.destinationAddress} ${flow.sourcePort} ${flow.destinationPort} ${flow.protocol}`;
        const sum = perTuple.get(key) ?? [flow.sourceAddress, flow.destinationAddress, flow.sourcePort, flow.destinationPort, flow.protocol, 0, 0];
        sum[5] += flow.packets;
        sum[6] += flow.bytes;
        perTuple.set(key, sum);
      }
      assert.deepEqual(
        [...perTuple.values()].sort((a, b) => a[2] - b[2]),
        // IPv4 header 20 + UDP header 8 + payload, per packet.
        sent.map((flow) => [
          senderAddress,
          exporterSideAddress,
          flow.sourcePort,
          flow.destinationPort,
          17,
          flow.packets,
          flow.packets * (28 + flow.payloadBytes),
        ]),
      );
      for (const flow of flows) {
        assert.match(flow.exporter, version === '5' ? /^127\.0\.0\.1$/ : /^127\.0\.0\.1\/\d+$/);
        assert.ok(flow.startMs <= flow.endMs, `start ${flow.startMs} after end ${flow.endMs}`);
        // The times came through the version's clock conversion: they must be this hour's, not 1970's.
        assert.ok(Math.abs(flow.startMs - Date.now()) < 3_600_000, `start ${new Date(flow.startMs).toISOString()} is not near now`);
      }
      await stopProcess(exporter);
    });
  }

  // Stopped by a signal, the collector stores what it aggregated: the raw flows are gone, the sums per destination port are there.
  await stopProcess(collector);
  assert.equal(collector.exitCode, 0, 'the collector ends cleanly on SIGTERM');
  const store = await openSqliteStore(join(work, 'flows.sqlite'));
  try {
    const rows = await store.listFlowAggregates({ limit: 1000 });
    const packetsTo = (port: number) => rows.filter((row) => row.destinationPort === port && row.protocol === 17).reduce((sum, row) => sum + row.packets, 0);
    assert.deepEqual([packetsTo(5001), packetsTo(5002), packetsTo(53)], [3 * 3, 3 * 7, 3 * 1]);
    assert.ok(
      rows.every((row) => row.sourceNetwork === '10.160.0.0/24' || row.protocol !== 17),
      'sources are kept as their /24',
    );
  } finally {
    await store.close();
  }
});
