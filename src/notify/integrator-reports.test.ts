import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAttributor, createIntegratorIndex, createIspRegistry, parseIntegrators, parseIspRegistry } from '../attribution/index.ts';
import { splitCsvLine } from '../discover/csv-line.ts';
import { startSmtpSink } from '../lab/smtp-sink.ts';
import { openStore } from '../store/open-store.ts';
import { attributeFindings } from './attribute-findings.ts';
import { buildIntegratorReports } from './integrator-reports.ts';
import { loadMessageTemplates } from './messages/templates.ts';
import { deliverDue } from './outbox.ts';
import { createSmtpTransport } from './transports/index.ts';

const registryFile = `
isps:
  - { id: sakura, name: Sakura, prefixes: [192.0.2.0/24, 2001:db8::/32], contacts: { abuseEmail: abuse@sakura.example } }
integrators:
  - id: kita
    name: Kita Systems
    contacts: { email: psirt@kita.example, language: ja }
    ranges: [192.0.2.16/28, 2001:db8:5::/48]
  - id: aoi
    name: Aoi Facilities
    contacts: { email: security@aoi.example, language: en }
    ranges: [192.0.2.64/30]
  - id: quiet
    name: Quiet Integrator
    contacts: { email: quiet@quiet.example }
    ranges: [203.0.113.0/24]
`;
const inKita = ['192.0.2.16', '192.0.2.20', '192.0.2.31', '2001:db8:5::10', '2001:db8:5:1::1'];
const inAoi = ['192.0.2.65'];
const elsewhere = ['192.0.2.15', '192.0.2.32', '192.0.2.68', '2001:db8:6::10'];

test('one report per integrator with exactly the findings in its ranges, delivered by SMTP, not made twice', { timeout: 30_000 }, async () => {
  const sink = await startSmtpSink({ host: '127.154.0.1', port: 0 });
  const store = await openStore(':memory:');
  try {
    await store.upsertIsps(parseIspRegistry(registryFile, 'isps.yaml').isps);
    await store.upsertIntegrators(parseIntegrators(registryFile, 'isps.yaml').integrators);
    const run = await store.startRun({ startedAt: '2026-05-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.reconcileFindings(run, {
      covered: [],
      found: [...inKita, ...inAoi, ...elsewhere].map((ip) => ({
        kind: 'weak-credential' as const,
        ip,
        port: 23,
        protocol: 'telnet',
        dictionaryEntryId: 'on-001',
        evidence: {},
        observedAt: '2026-05-01T00:01:00.000Z',
      })),
    });
    // The registry as the CLI reads it back from the store.
    const attributor = createAttributor({
      registry: createIspRegistry(await store.listIsps()),
      integrators: createIntegratorIndex(await store.listIntegrators()),
    });
    await attributeFindings(store, (ip) => attributor.attributeSync(ip));

    const templates = loadMessageTemplates();
    const options = {
      store,
      templates,
      from: 'notice@program.example',
      now: '2026-05-02T00:00:00.000Z',
      program: { name: 'opennotice', contact: 'help@program.example' },
    };
    const results = await buildIntegratorReports(options);
    assert.deepEqual(
      results.map((result) => [result.integratorId, result.fresh, result.created, result.channels]),
      [
        ['aoi', 1, true, ['smtp:security@aoi.example']],
        ['kita', inKita.length, true, ['smtp:psirt@kita.example']],
        ['quiet', 0, undefined, []],
      ],
    );
    const reports = await store.listReports();
    assert.deepEqual(
      reports.map((report) => [report.audience, report.integratorId, report.findingCount]),
      [
        ['integrator', 'aoi', 1],
        ['integrator', 'kita', inKita.length],
      ],
    );

    const smtp = createSmtpTransport({ host: sink.host, port: sink.port, heloName: 'notify.test', startTls: 'never', timeoutMs: 5000 });
    const pass = await deliverDue({ store, transportFor: () => smtp });
    assert.equal(pass.delivered, 2);
    const mail = new Map(sink.messages().map((message) => [message.envelopeTo.join(','), message]));
    const kita = mail.get('psirt@kita.example');
    assert.ok(kita, 'the integrator got its mail');
    assert.match(kita.subject, /Kita Systems/);
    assert.match(kita.text, /システムインテグレーター|貴社が運用/);
    const csv = kita.attachments.find((attachment) => attachment.filename.endsWith('.csv'));
    assert.ok(csv, `a CSV is attached (${kita.attachments.map((attachment) => attachment.filename).join(', ')})`);
    const [header, ...rows] = csv.content
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    const ipColumn = splitCsvLine(header!)!.indexOf('ip');
    assert.ok(ipColumn >= 0, 'the Shadowserver ip column');
    assert.deepEqual(rows.map((row) => splitCsvLine(row)![ipColumn]).sort(), [...inKita].sort(), 'the rows are the findings in its ranges, and none outside');
    assert.ok(
      kita.attachments.some((attachment) => attachment.filename.includes('notices-ja')),
      'notices in its language',
    );
    const aoiCsv = mail.get('security@aoi.example')?.attachments.find((attachment) => attachment.filename.endsWith('.csv'));
    assert.match(aoiCsv?.content.toString('utf8') ?? '', /192\.0\.2\.65/);
    assert.doesNotMatch(aoiCsv?.content.toString('utf8') ?? '', /192\.0\.2\.68/);

    // The same run again: nothing new, no second report, nothing sent again.
    const again = await buildIntegratorReports(options);
    assert.deepEqual(
      again.map((result) => [result.integratorId, result.fresh, result.held, result.reportId]),
      [
        ['aoi', 0, 1, undefined],
        ['kita', 0, inKita.length, undefined],
        ['quiet', 0, 0, undefined],
      ],
    );
    assert.equal((await store.listReports()).length, 2);
    assert.equal((await deliverDue({ store, transportFor: () => smtp })).attempted, 0);
    assert.equal(sink.messages().length, 2);
    assert.equal((await store.notificationTimes()).size, 0, 'integrator reports are not ISP notifications');
  } finally {
    await store.close();
    await sink.close();
  }
});
