import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceIdentity } from '../src/core/records.ts';
import { createRankedIdentifier } from '../src/identify/precedence.ts';
import { parseXml } from '../src/identify/recog/xml.ts';
import { loadRuleSources } from '../src/identify/rule-sources.ts';
import { sharedData } from '../test/support/shared-data.ts';
import { loadRuleFiles } from '../src/identify/rule-loader.ts';
import {
  defaultRecogDirectory,
  deviceExamples,
  documentPath,
  measureDatabase,
  renderCoverageTable,
  renderVendorTable,
  sameDevice,
  updatedDocument,
  withGeneratedText,
} from './fingerprint-coverage.ts';

const fixtures = fileURLToPath(new URL('../test/fixtures/operator-rules/', import.meta.url));
const database = `${fixtures}acme_http_wwwauth.xml`;

test('the docs’ coverage tables are the ones the script measures (node scripts/fingerprint-coverage.ts rewrites them)', () => {
  const text = readFileSync(documentPath, 'utf8');
  assert.equal(sharedData('recog/xml/'), defaultRecogDirectory, 'the script reads the same sample data by default');
  assert.equal(updatedDocument(text, defaultRecogDirectory), text);
});

test('the shipped rules name at least 50 vendors, listed by file', () => {
  const table = renderVendorTable(loadRuleFiles());
  const count = Number(/^(\d+) vendors/.exec(table)?.[1]);
  assert.ok(count >= 50, table);
  assert.match(table, /\| `cameras\.yaml` \| .*Dahua.*Hikvision/);
});

test('counting: every device example once, ours alone and with Recog loaded (our rules keep precedence)', () => {
  const identifiers = {
    ours: createRankedIdentifier(loadRuleSources({ ruleFiles: [`${fixtures}local.yaml`], recogFiles: [] })),
    withRecog: createRankedIdentifier(loadRuleSources({ ruleFiles: [`${fixtures}local.yaml`], recogFiles: [database] })),
  };
  const missed: string[] = [];
  const row = measureDatabase(readFileSync(database, 'utf8'), 'acme_http_wwwauth.xml', 'fixture', identifiers, undefined, (example) =>
    missed.push(example.vendor),
  );
  // Five examples name a device (the tinyhttpd one names software). Ours get Acme's C100 only;
  // with Recog, Borealis's model and the Quasar recorder too — but never the two examples
  // Recog says are Zenith's, which our Acme rule keeps as Acme's.
  assert.deepEqual(row, {
    database: 'acme_http_wwwauth.xml',
    label: 'fixture',
    matches: 'http_header.wwwauth',
    readBy: 'http `headers.www-authenticate`',
    examples: 5,
    ours: 1,
    withRecog: 3,
  });
  assert.deepEqual(missed, ['Borealis', 'Zenith', 'Zenith', 'Quasar']);
});

test('what Recog expects: hw.vendor (or a device OS’s vendor), the product an example states, templates filled', () => {
  const root = parseXml(
    `<fingerprints matches="html_title">
      <fingerprint pattern="x">
        <example>A</example>
        <example hw.product="X9">B</example>
        <param pos="0" name="hw.vendor" value="Acme"/><param pos="0" name="hw.product" value="Cam"/>
      </fingerprint>
      <fingerprint pattern="y">
        <example>C</example>
        <param pos="0" name="os.vendor" value="MikroTik"/><param pos="0" name="os.device" value="Router"/>
      </fingerprint>
      <fingerprint pattern="z">
        <example>D</example>
        <param pos="0" name="os.vendor" value="Microsoft"/><param pos="0" name="os.device" value="General"/>
      </fingerprint>
      <fingerprint pattern="w">
        <example acme.model="M2">E</example>
        <param pos="0" name="hw.vendor" value="Acme"/><param pos="0" name="hw.product" value="{acme.model} Relay"/>
      </fingerprint>
    </fingerprints>`,
    'fixture.xml',
  );
  assert.deepEqual(
    deviceExamples(root, 'fixture.xml').map((example) => [example.text, example.vendor, example.product]),
    [
      ['A', 'Acme', 'Cam'],
      ['B', 'Acme', 'X9'],
      ['C', 'MikroTik', undefined],
      ['E', 'Acme', 'M2 Relay'],
    ],
  );
});

test('same device: vendor spelling aside, and a model whose words sit in a row in the product (or the reverse)', () => {
  const identity = (vendor: string, model?: string): DeviceIdentity => ({
    vendor,
    ...(model ? { model } : {}),
    deviceType: 'router',
    confidence: 0.9,
    evidence: [],
  });
  assert.equal(sameDevice(identity('TP-Link', 'WR841N'), { vendor: 'TP-LINK', product: 'Wireless N Router WR841N' }), true);
  assert.equal(sameDevice(identity('Toshiba', 'e-STUDIO500S'), { vendor: 'Toshiba', product: 'e-STUDIO' }), true);
  assert.equal(sameDevice(identity('Deutsche Telekom', 'W722V'), { vendor: 'Deutsche Telekom', product: '722V' }), true);
  assert.equal(sameDevice(identity('NETGEAR', 'WNR2000v5'), { vendor: 'Netgear', product: 'WNR2000' }), true, 'a hardware revision of the product');
  assert.equal(sameDevice(identity('Fuji Xerox'), { vendor: 'FUJI XEROX' }), true);
  assert.equal(sameDevice(identity('Hanwha Vision', 'XNV-8080R'), { vendor: 'Hanwha Techwin' }), true);
  assert.equal(sameDevice(identity('NETGEAR'), { vendor: 'Netgear', product: 'R7000' }), false, 'a product Recog states must be named');
  assert.equal(sameDevice(identity('NETGEAR', 'R7000P'), { vendor: 'Netgear', product: 'R7000' }), false, 'words, not prefixes');
  assert.equal(sameDevice(identity('Xerox', 'Phaser 6180MFP-D'), { vendor: 'Fuji Xerox' }), false);
  assert.equal(sameDevice(undefined, { vendor: 'Acme' }), false);
});

test('the table: shares with counts, a total over what our grabbers read, and databases no grabber reads yet', () => {
  const table = renderCoverageTable([
    { database: 'a.xml', label: 'A', matches: 'ftp.banner', readBy: 'ftp `banner`', examples: 4, ours: 1, withRecog: 4 },
    { database: 'b.xml', label: 'B', matches: 'rtsp_header.server', examples: 3, ours: 0, withRecog: 0 },
  ]);
  assert.match(table, /\| `a\.xml` \(A\) \| `ftp\.banner` \| ftp `banner` \| 4 \| 25\.0 % \(1\) \| 100\.0 % \(4\) \|/);
  assert.match(table, /\| `b\.xml` \(B\) \| `rtsp_header\.server` \| no grabber of ours yet \| 3 \| — \| — \|/);
  assert.match(table, /\| \*\*all read by our grabbers\*\* \| \| \| \*\*4\*\* \| \*\*25\.0 % \(1\)\*\* \| \*\*100\.0 % \(4\)\*\* \|$/);
  const document = 'intro\n<!-- coverage:recog -->\nold\n<!-- /coverage:recog -->\nafter\n';
  assert.equal(withGeneratedText(document, 'recog', 'new'), 'intro\n<!-- coverage:recog -->\nnew\n<!-- /coverage:recog -->\nafter\n');
  assert.throws(() => withGeneratedText(document, 'vendors', 'new'), /markers <!-- coverage:vendors -->/);
});
