// The shipped UDP protocols against the lab's UDP devices: two independent readings of each
// protocol (the survey's codecs, the lab's device-side encoders) must agree, and every lab
// service the truth calls a reflector must measure as one, every hostile one must not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { amplificationFactor } from '../src/protocols/udp-reflection.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { type LabHandle, startLab } from '../src/lab/lab.ts';
import { createLoopbackContext } from './support/loopback-context.ts';

/** 127.232.0.0/24: no other test uses it. */
const cidr = '127.232.0.0/24';
let lab: LabHandle;

before(async () => {
  lab = await startLab({ cidr, deviceCount: 250, seed: 11 });
});
after(async () => {
  await lab?.close();
});

test('each lab UDP service is grabbed by its shipped protocol; reflectors measure as reflectors, hostile ones never', async () => {
  const context = { ...createLoopbackContext({ ioTimeoutMs: 600, deadlineMs: 3000 }), resolverCheckName: 'check.example' };
  const rows: string[] = [];
  let reflectors = 0;
  // Devices in parallel (a grab may wait out a silent agent), each device's services in turn.
  await Promise.all(
    lab.truth.devices.map(async (device) => {
      for (const service of device.udpServices ?? []) {
        const protocol = shippedProtocols.forUdpPort(service.port);
        assert.equal(protocol?.name, service.protocol, `UDP ${service.port} belongs to ${service.protocol}`);
        const outcome = await protocol.grab(context, { ip: device.ip, port: service.port });
        const measure = outcome.status === 'success' ? protocol.reflection?.(outcome.result) : undefined;
        const amplifies = measure !== undefined && measure.replyBytes > measure.requestBytes;
        const where = `${service.protocol} on ${device.ip}:${service.port}${service.hostile ? ` (${service.hostile})` : ''}`;
        assert.equal(amplifies, service.reflector, `${where}: ${outcome.status} ${outcome.error ?? ''} ${JSON.stringify(measure)}`);
        if (service.readableWithPublic) {
          const observed = {
            ip: device.ip,
            port: service.port,
            protocol: 'snmp',
            status: outcome.status,
            result: outcome.result,
            durationMs: 1,
            observedAt: '',
          };
          assert.ok(protocol.credentials?.concludeFromGrab?.(observed)?.accepted, `${where}: public reads it`);
        }
        if (amplifies) {
          reflectors++;
          rows.push(`${where}: ${measure.requestBytes} → ${measure.replyBytes} bytes in ${measure.replyPackets} (×${amplificationFactor(measure)})`);
        }
      }
    }),
  );
  assert.ok(reflectors >= 20, `${reflectors} reflectors measured`);
  process.stdout.write(`${rows.sort().slice(0, 12).join('\n')}\n`);
});
