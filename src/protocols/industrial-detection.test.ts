// Detection of S7, IEC 104 and Fox moved off their own ports, against the lab's
// simulators on 127.151.4.1: each is named by its own probe's reply, and no probe is a command.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { createLoopbackContext } from '../../test/support/loopback-context.ts';
import { type IcsSimulator, startIcsSimulator } from '../../test/support/ics-simulator.ts';
import type { LabStatsRecorder } from '../lab/stats.ts';
import { serveFoxStation } from '../lab/services/fox-station.ts';
import { serveIec104Station } from '../lab/services/iec104-station.ts';
import { serveS7Plc } from '../lab/services/s7-plc.ts';
import { type DetectionLimits, detectService } from './detect.ts';
import { shippedProtocols } from './registry.ts';

const ctx = createLoopbackContext({ connectTimeoutMs: 1000, ioTimeoutMs: 1500, deadlineMs: 8000 });
// Nine probes: with the default six, a moved service is asked HTTP, TLS, MQTT, RTSP, ADB and S7
// before its turn comes; IEC 104 and Fox are then found on their own ports only (docs/protocols.md).
const limits: DetectionLimits = { bannerWaitMs: 400, briefWaitMs: 150, replyWaitMs: 800, maxProbes: 11, maxBytes: 4096, maxSilentProbes: 2 };
const host = '127.151.4.1';
const simulators: IcsSimulator[] = [];
after(async () => Promise.all(simulators.map((simulator) => simulator.close())));

const services: ReadonlyArray<readonly [string, (socket: Socket, stats: LabStatsRecorder) => void]> = [
  [
    's7',
    (socket, stats) =>
      serveS7Plc(
        socket,
        {
          slot: 2,
          orderNumber: '6ES7 315-2EH14-0AB0',
          hardwareVersion: 1,
          firmware: [3, 2, 6],
          plcName: 'P',
          moduleName: 'M',
          moduleType: 'CPU 315-2 PN/DP',
          serialNumber: 'S',
          copyright: 'Original Siemens Equipment',
        },
        stats,
      ),
  ],
  ['iec104', (socket, stats) => serveIec104Station(socket, { commonAddress: 3 }, stats)],
  ['fox', (socket, stats) => serveFoxStation(socket, { hello: [['fox.version', 's:1.0']] }, stats)],
];

for (const [name, serve] of services) {
  test(`${name} moved to an ephemeral port is found by its probe`, async () => {
    const simulator = await startIcsSimulator(host, serve);
    simulators.push(simulator);
    const detection = await detectService(ctx, { ip: host, port: simulator.port }, shippedProtocols, limits);
    assert.equal(detection.protocol?.name, name, JSON.stringify({ ...detection, protocol: detection.protocol?.name }));
    assert.equal(detection.method, 'probe');
    assert.ok(detection.probes <= limits.maxProbes);
    assert.equal(simulator.stats.snapshot().commandsAfterLogin, 0, 'a probe is never a command');
  });
}
