import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink } from '../lab/smtp-sink.ts';
import type { SectorContact } from '../attribution/sector-contacts.ts';
import type { Device, Finding } from '../core/records.ts';
import { openStore } from '../store/open-store.ts';
import { deliverDue } from './outbox.ts';
import { buildSectorReports } from './sector-reports.ts';
import { createSmtpTransport } from './transports/index.ts';

const at = '2026-04-01T00:00:00.000Z';
const contacts: SectorContact[] = [
  { sector: 'solar', name: 'Solar ISAC', email: 'solar@isac.example', language: 'ja' },
  { sector: 'solar', name: 'Solar CSIRT', email: 'csirt@solar.example', language: 'en' },
  { sector: 'building', name: 'BAS ISAC', email: 'bas@isac.example', language: 'en' },
];

const critical = (ip: string, sector: 'solar' | 'water', vendor: string): Device => ({
  ip,
  identity: { vendor, model: `${vendor} Monitor`, deviceType: 'critical', sector, confidence: 0.9, evidence: [] },
  ownerContact: { company: 'Owner Secret Ltd', phone: '03-9999-0000', source: { protocol: 'http', port: 80 } },
});
const weak = (ip: string): Finding => ({ kind: 'weak-credential', ip, port: 80, protocol: 'http', dictionaryEntryId: 'kv-001', evidence: {}, observedAt: at });

async function storeWithCriticalFindings() {
  const store = await openStore(':memory:');
  await store.upsertIsps([
    {
      id: 'sakura',
      name: 'Sakura Net',
      asns: [64496],
      prefixes: [],
      contacts: { abuseEmail: 'abuse@sakura.example', portalUsers: [] },
      preferences: { format: 'csv', cadence: 'daily', language: 'ja' },
      managesCustomerDevices: false,
    },
  ]);
  const run = await store.startRun({ startedAt: at, scope: ['127.152.0.0/24'], exclude: [], ports: [80], checks: ['credentials'] });
  await store.recordDevices(run, [
    critical('127.152.0.11', 'solar', 'Contec'),
    critical('127.152.0.12', 'solar', 'SMA'),
    critical('127.152.0.13', 'water', 'Aqualog'),
    { ip: '127.152.0.14', identity: { vendor: 'Korvan', deviceType: 'ip-camera', confidence: 0.9, evidence: [] } },
  ]);
  await store.reconcileFindings(run, { found: ['127.152.0.11', '127.152.0.12', '127.152.0.13', '127.152.0.14'].map(weak), covered: [] });
  const findings = await store.listFindings();
  await store.recordAttributions(
    findings.map((finding) => ({ findingId: finding.id, attribution: { source: 'registry' as const, ispId: 'sakura', asn: 64496 } })),
  );
  return store;
}

test('each sector with contacts gets one report of its critical devices through the outbox; one without contacts is named; the owner contact stays out', async () => {
  const store = await storeWithCriticalFindings();
  try {
    const results = await buildSectorReports({ store, contacts, from: 'notice@program.example', now: '2026-04-02T00:00:00.000Z' });
    assert.deepEqual(
      results.map((result) => [result.sector, result.devices, result.created ?? null, result.channels]),
      [
        ['solar', 2, true, ['smtp:solar@isac.example', 'smtp:csirt@solar.example']],
        ['water', 1, null, []],
      ],
    );
    assert.match(results[1]!.note ?? '', /no contact for sector water/);
    const [report] = await store.listReports();
    assert.equal(report?.audience, 'sector');
    assert.equal(report?.ispId, undefined);
    assert.equal(report?.findingCount, 2);
    assert.equal((await store.listOutbox({ status: 'pending' })).length, 2);

    const again = await buildSectorReports({ store, contacts, from: 'notice@program.example', now: '2026-04-03T00:00:00.000Z' });
    assert.equal(again[0]!.created, false, 'the same open set is not reported twice');
    assert.equal((await store.listReports()).length, 1);
  } finally {
    await store.close();
  }
});

test('the sector report reaches each contact by SMTP in its language, with the devices and their ISP, and no owner contact', { timeout: 30_000 }, async () => {
  const store = await storeWithCriticalFindings();
  const sink = await startSmtpSink({ host: '127.152.0.1', port: 0 });
  try {
    await buildSectorReports({
      store,
      contacts,
      from: 'notice@program.example',
      now: '2026-04-02T00:00:00.000Z',
      program: { name: 'opennotice', contact: 'ops@program.example' },
    });
    const smtp = createSmtpTransport({ host: sink.host, port: sink.port, heloName: 'notify.test', startTls: 'never', timeoutMs: 5000 });
    const pass = await deliverDue({ store, transportFor: () => smtp, baseDelaySeconds: 0 });
    assert.equal(pass.delivered, 2);
    const messages = sink.messages();
    const japanese = messages.find((message) => message.envelopeTo.includes('solar@isac.example'));
    const english = messages.find((message) => message.envelopeTo.includes('csirt@solar.example'));
    assert.ok(japanese && english, 'one message per contact');
    assert.match(japanese.subject, /太陽光発電/);
    assert.match(english.subject, /2 solar power devices with open findings/);
    const csv = english.attachments.find((attachment) => attachment.filename === 'solar-critical-devices.csv')?.content.toString('utf8') ?? '';
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'ip,port,protocol,kind,severity,vendor,model,firmware_version,isp,asn,country,first_seen,last_seen');
    assert.deepEqual(
      lines.slice(1).map((line) => line.split(',').slice(0, 9).join(',')),
      [
        '127.152.0.11,80,http,weak-credential,critical,Contec,Contec Monitor,,Sakura Net',
        '127.152.0.12,80,http,weak-credential,critical,SMA,SMA Monitor,,Sakura Net',
      ],
    );
    for (const message of messages) {
      // Decoded: the attachment travels base64-encoded, so the raw bytes alone would hide it.
      const raw = [message.subject, message.text, ...message.attachments.map((attachment) => attachment.content.toString('utf8'))].join('\n');
      for (const secret of ['Owner Secret', '03-9999-0000', '127.152.0.13', '127.152.0.14'])
        assert.equal(raw.includes(secret), false, `${secret} in a sector e-mail`);
    }
  } finally {
    await sink.close();
    await store.close();
  }
});
