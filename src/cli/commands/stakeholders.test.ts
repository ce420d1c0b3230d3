// The stakeholder paths through the commands: the registry file's integrators imported and
// listed, `notify` mailing an integrator its report through a real SMTP server, and
// `track bulk-fix` showing a managing ISP's progress per model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmtpSink } from '../../lab/smtp-sink.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import isps from './isps.ts';
import notify from './notify.ts';
import track from './track.ts';

const exampleRegistry = fileURLToPath(new URL('../../../examples/isps.yaml', import.meta.url));

function captureIo(): { io: CommandIo; stdout: () => string } {
  const out: string[] = [];
  const stream = (sink: string[]) =>
    ({
      write: (chunk: string) => {
        sink.push(String(chunk));
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream(out), stderr: stream([]), signal: new AbortController().signal }, stdout: () => out.join('') };
}

test('isps import/list carry the integrators; notify mails an integrator its report; track bulk-fix shows progress per model', {
  timeout: 30_000,
}, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-stakeholders-'));
  const sink = await startSmtpSink({ host: '127.154.0.2', port: 0 });
  try {
    const db = join(directory, 'store.sqlite');
    const imported = captureIo();
    assert.equal(await isps.run({ db }, ['import', exampleRegistry], imported.io), 0);
    assert.match(imported.stdout(), /imported 3 ISPs and 2 system integrators/);
    const listed = captureIo();
    assert.equal(await isps.run({ db }, ['list'], listed.io), 0);
    assert.match(
      listed.stdout(),
      /integrator kita-systems +Kita Systems \(example\) +192\.0\.2\.16\/28,2001:db8:5::\/48 +1 customers +psirt@kita-systems\.example +ja/,
    );

    // A router of Sakura Net (which manages its customers' routers) inside Kita Systems' range.
    const store = await openStore(db);
    const run = await store.startRun({ startedAt: '2026-07-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.recordDevices(run, [
      { ip: '192.0.2.17', identity: { vendor: 'Korvan', model: 'RT-300', deviceType: 'router', firmwareVersion: '1.0', confidence: 0.9, evidence: [] } },
    ]);
    await store.reconcileFindings(run, {
      covered: [],
      found: [
        {
          kind: 'weak-credential',
          ip: '192.0.2.17',
          port: 23,
          protocol: 'telnet',
          dictionaryEntryId: 'on-001',
          evidence: {},
          observedAt: '2026-07-01T00:01:00.000Z',
        },
      ],
    });
    const [finding] = await store.listFindings();
    await store.recordAttributions([{ findingId: finding!.id, attribution: { source: 'registry', ispId: 'sakura-net', integratorId: 'kita-systems' } }]);
    await store.close();

    const notified = captureIo();
    const values = { db, smtp: `${sink.host}:${sink.port}`, helo: 'notify.test', from: 'notice@program.example', 'renotify-days': '30' };
    assert.equal(await notify.run(values, [], notified.io), 0);
    assert.match(notified.stdout(), /integrator kita-systems +new +1/);
    assert.match(notified.stdout(), /integrator minami-solar +new +0 .*nothing new or due/);
    const toKita = sink.messages().find((message) => message.envelopeTo.includes('psirt@kita-systems.example'));
    assert.ok(
      toKita,
      `the integrator was mailed (${sink
        .messages()
        .map((message) => message.envelopeTo.join(','))
        .join('; ')})`,
    );
    assert.match(toKita.attachments.find((attachment) => attachment.filename.endsWith('.csv'))?.content.toString('utf8') ?? '', /192\.0\.2\.17/);
    const toSakura = sink.messages().find((message) => message.envelopeTo.includes('abuse@sakura-net.example'));
    assert.ok(
      toSakura?.attachments.some((attachment) => attachment.filename.includes('bulk-fix')),
      'the managing ISP got its bulk-fix list',
    );

    const progress = captureIo();
    assert.equal(await track.run({ db, 'as-of': '2099-01-01T00:00:00.000Z', json: true }, ['bulk-fix'], progress.io), 0);
    const parsed = JSON.parse(progress.stdout()) as {
      models: Array<{ ispId: string; vendor: string; model: string; devices: number; fixed: number; open: number }>;
    };
    assert.deepEqual(
      parsed.models.map((row) => [row.ispId, row.vendor, row.model, row.devices, row.fixed, row.open]),
      [['sakura-net', 'Korvan', 'RT-300', 1, 0, 1]],
    );
    const table = captureIo();
    assert.equal(await track.run({ db, 'as-of': '2099-01-01T00:00:00.000Z' }, ['bulk-fix'], table.io), 0);
    assert.match(table.stdout(), /sakura-net +Korvan +RT-300 +\d{4}-\d{2}-\d{2} +1 +0 +1 +0\.0/);
  } finally {
    await sink.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
