import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingKind, NotifiableFinding } from '../core/records.ts';
import { splitCsvLine } from '../discover/csv-line.ts';
import { openStore } from '../store/open-store.ts';
import { buildBulkFixList } from './bulk-fix.ts';
import { buildIspReports } from './build-reports.ts';
import { loadMessageTemplates } from './messages/templates.ts';
import { decodeMessage } from './outbox.ts';
import { renderBulkFixCsv, renderBulkFixText } from './render/bulk-fix-list.ts';

let nextId = 1;
const finding = (
  ip: string,
  kind: FindingKind,
  device: { vendor?: string; model?: string; firmwareVersion?: string },
  extra: Partial<NotifiableFinding> = {},
): NotifiableFinding => ({
  id: nextId++,
  kind,
  ip,
  port: 23,
  protocol: 'telnet',
  evidence: kind === 'vulnerable-firmware' ? { cveIds: ['CVE-2023-1111'] } : {},
  status: 'open',
  firstSeen: '2026-06-01T00:00:00.000Z',
  lastSeen: '2026-06-01T00:00:00.000Z',
  ...device,
  attribution: { source: 'registry', ispId: 'sakura' },
  ...extra,
});
const rt300 = { vendor: 'Korvan', model: 'RT-300', firmwareVersion: '1.0.2' };

test('the bulk-fix list groups open findings by vendor, model and firmware, with device counts, addresses, kinds, CVEs and the fix', () => {
  const findings = [
    finding('192.0.2.1', 'weak-credential', rt300),
    finding('192.0.2.1', 'vulnerable-firmware', rt300), // one device, two findings: counted once
    finding('192.0.2.2', 'weak-credential', { ...rt300, vendor: 'korvan', model: 'rt-300' }), // the same model in other case
    finding('192.0.2.3', 'vulnerable-firmware', rt300),
    finding('192.0.2.4', 'weak-credential', { ...rt300, firmwareVersion: '1.1.0' }),
    finding('192.0.2.5', 'weak-credential', rt300, { status: 'closed', closedAt: '2026-06-02T00:00:00.000Z' }), // fixed: not on the list
    finding('192.0.2.6', 'weak-credential', {}), // unidentified
  ];
  const list = buildBulkFixList({ ispId: 'sakura', language: 'en', generatedAt: '2026-06-03T00:00:00.000Z', findings });
  assert.deepEqual(
    list.groups.map((group) => [group.vendor, group.model, group.firmwareVersion, group.devices, group.addresses, group.kinds, group.cves]),
    [
      [
        'Korvan',
        'RT-300',
        '1.0.2',
        3,
        ['192.0.2.1', '192.0.2.2', '192.0.2.3'],
        [
          { kind: 'weak-credential', devices: 2 },
          { kind: 'vulnerable-firmware', devices: 2 },
        ],
        ['CVE-2023-1111'],
      ],
      ['Korvan', 'RT-300', '1.1.0', 1, ['192.0.2.4'], [{ kind: 'weak-credential', devices: 1 }], []],
    ],
  );
  assert.equal(list.unidentifiedDevices, 1);
  assert.match(list.groups[0]!.fix[0]!, /password/, 'most urgent kind first');
  assert.match(list.groups[0]!.fix[1]!, /Update the firmware.*CVE-2023-1111/);

  const [header, first, second, ...rest] = renderBulkFixCsv(list).trimEnd().split('\r\n');
  assert.equal(header, 'vendor,model,firmware_version,devices,finding_kinds,cves,addresses,fix');
  assert.deepEqual(splitCsvLine(first!)!.slice(0, 7), [
    'Korvan',
    'RT-300',
    '1.0.2',
    '3',
    'weak-credential vulnerable-firmware',
    'CVE-2023-1111',
    '192.0.2.1 192.0.2.2 192.0.2.3',
  ]);
  assert.equal(splitCsvLine(second!)![3], '1');
  assert.deepEqual(rest, []);
  const japanese = renderBulkFixText(buildBulkFixList({ ispId: 'sakura', language: 'ja', generatedAt: '2026-06-03T00:00:00.000Z', findings }));
  assert.match(japanese, /一括対処リスト/);
  assert.match(japanese, /1\. Korvan RT-300, ファームウェア 1\.0\.2: 3台/);
  assert.match(japanese, /機種を特定できなかった機器が 1 台/);
});

test('an ISP that manages its devices gets the bulk-fix list with its report; one that does not, does not', async () => {
  const store = await openStore(':memory:');
  try {
    const isp = (id: string, managesCustomerDevices: boolean) => ({
      id,
      name: id,
      asns: [],
      prefixes: [],
      contacts: { abuseEmail: `abuse@${id}.example`, portalUsers: [] },
      preferences: { format: 'csv' as const, cadence: 'daily' as const, language: 'en' as const },
      managesCustomerDevices,
    });
    await store.upsertIsps([isp('managing', true), isp('plain', false)]);
    const run = await store.startRun({ startedAt: '2026-06-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    const ips = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.130'];
    await store.recordDevices(
      run,
      ips.map((ip) => ({
        ip,
        identity: {
          vendor: 'Korvan',
          model: 'RT-300',
          deviceType: 'router' as const,
          firmwareVersion: ip === '192.0.2.3' ? '2.0' : '1.0',
          confidence: 0.9,
          evidence: [],
        },
      })),
    );
    await store.reconcileFindings(run, {
      covered: [],
      found: ips.map((ip) => ({
        kind: 'weak-credential' as const,
        ip,
        port: 23,
        protocol: 'telnet',
        dictionaryEntryId: 'on-001',
        evidence: {},
        observedAt: '2026-06-01T00:01:00.000Z',
      })),
    });
    await store.recordAttributions(
      (await store.listFindings()).map((row) => ({
        findingId: row.id,
        attribution: { source: 'registry' as const, ispId: row.ip.endsWith('.130') ? 'plain' : 'managing' },
      })),
    );
    await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@program.example', now: '2026-06-02T00:00:00.000Z' });
    const outbox = await store.listOutbox();
    const messageTo = (address: string) => decodeMessage(outbox.find((entry) => entry.destination === address)!.payload);
    const managing = messageTo('abuse@managing.example');
    const csv = managing.attachments.find((attachment) => attachment.filename.includes('bulk-fix') && attachment.filename.endsWith('.csv'));
    assert.ok(csv, managing.attachments.map((attachment) => attachment.filename).join(', '));
    const rows = Buffer.from(csv.content)
      .toString('utf8')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => splitCsvLine(line)!);
    assert.deepEqual(
      rows.map((row) => [row[1], row[2], row[3], row[6]]),
      [
        ['RT-300', '1.0', '2', '192.0.2.1 192.0.2.2'],
        ['RT-300', '2.0', '1', '192.0.2.3'],
      ],
    );
    assert.match(managing.text, /bulk-fix list attached groups the 3 devices with open findings into 2 models/);
    assert.ok(!messageTo('abuse@plain.example').attachments.some((attachment) => attachment.filename.includes('bulk-fix')));
  } finally {
    await store.close();
  }
});
