import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDataFile } from '../../core/data-file.ts';
import type { ServiceObservation } from '../../core/records.ts';
import { createIdentifier } from '../engine.ts';
import { ruleSetFromDataFiles } from '../rule-loader.ts';
import { importRecogXml, renderImportedRules } from './import.ts';
import { sharedData } from '../../../test/support/shared-data.ts';

// Recog's public databases, kept beside the project (never copied into it).
const recogDirectory = sharedData('recog/xml/');

const sample = `<?xml version="1.0"?>
<fingerprints matches="ftp.banner" protocol="ftp" preference="0.90">
  <fingerprint pattern="^(?i)ACME (\\w+) Camera ([\\d.]+) ready\\.?\\z">
    <description>ACME camera</description>
    <example hw.product="C100" os.version="2.1">ACME C100 Camera 2.1 ready.</example>
    <example _encoding="base64">${Buffer.from('acme C200 camera 3.0 ready').toString('base64')}</example>
    <param pos="0" name="hw.vendor" value="ACME"/>
    <param pos="0" name="hw.device" value="IP Camera"/>
    <param pos="1" name="hw.product"/>
    <param pos="2" name="os.version"/>
  </fingerprint>
  <fingerprint pattern="^vsFTPd ([\\d.]+)$">
    <example>vsFTPd 3.0.3</example>
    <param pos="0" name="service.product" value="vsftpd"/>
    <param pos="1" name="service.version"/>
  </fingerprint>
  <fingerprint pattern="^Broken (?>atomic)$">
    <param pos="0" name="hw.vendor" value="Broken"/>
  </fingerprint>
  <fingerprint pattern="^Drifted (\\d+)$">
    <example hw.product="NV102">Drifted 102</example>
    <param pos="0" name="hw.vendor" value="Drift"/>
    <param pos="1" name="hw.product"/>
  </fingerprint>
</fingerprints>`;

function observation(protocol: string, result: Record<string, unknown>): ServiceObservation {
  return { ip: '127.0.0.1', port: 21, protocol, status: 'success', result, durationMs: 1, observedAt: '2025-01-01T00:00:00Z' };
}

test('device fingerprints are translated; the others are reported with a reason', () => {
  const report = importRecogXml(sample, 'sample_ftp.xml');
  assert.equal(report.rules.length, 1);
  const [rule] = report.rules;
  assert.equal(rule.id, 'recog-sample-ftp-1');
  assert.deepEqual([rule.protocol, rule.field], ['ftp', 'banner']);
  assert.deepEqual(rule.sets, { vendor: 'ACME', deviceType: 'ip-camera' });
  assert.match(rule.pattern, /\(\?<model>\\w\+\).*\(\?<version>/);
  assert.deepEqual(rule.examples, ['ACME C100 Camera 2.1 ready.', 'acme C200 camera 3.0 ready']);
  assert.deepEqual(
    report.skipped.map((item) => [item.line, item.reason.replace(/ \(.*$/, '')]),
    [
      [12, 'names no device vendor'],
      [17, 'atomic group'],
      [20, "captured model differs from Recog's example"],
    ],
  );
});

test('rendered rules load with the project loader and identify a device', () => {
  const yaml = renderImportedRules(importRecogXml(sample, 'sample_ftp.xml').rules, 'sample_ftp.xml');
  assert.match(yaml, /^# Imported from Rapid7 Recog sample_ftp\.xml/);
  const identifier = createIdentifier(ruleSetFromDataFiles([parseDataFile(yaml, 'recog.yaml', 'RULES_INVALID')]));
  const identity = identifier.identify('127.0.0.1', [observation('ftp', { banner: 'ACME X9 CAMERA 4.2 ready', code: 220 })]);
  assert.deepEqual([identity?.vendor, identity?.model, identity?.firmwareVersion, identity?.deviceType], ['ACME', 'X9', '4.2', 'ip-camera']);
});

test('public Recog databases import, load and identify', () => {
  const load = (name: string) => {
    const report = importRecogXml(readFileSync(`${recogDirectory}${name}`, 'utf8'), name);
    assert.ok(report.rules.length > 5, `${name}: ${report.rules.length} rules`);
    return ruleSetFromDataFiles([parseDataFile(renderImportedRules(report.rules, name), name, 'RULES_INVALID')]);
  };
  const identifier = createIdentifier({
    rules: [...load('http_wwwauth.xml').rules, ...load('ssh_banners.xml').rules, ...load('ftp_banners.xml').rules],
    products: [],
    files: [],
  });
  const camera = identifier.identify('127.0.0.1', [observation('http', { headers: { 'www-authenticate': 'Basic realm="DCS-5222LB1"' } })]);
  assert.deepEqual([camera?.vendor, camera?.model, camera?.deviceType], ['D-Link', 'DCS-5222LB1', 'ip-camera']);
  const router = identifier.identify('127.0.0.1', [observation('ssh', { version: 'SSH-2.0-ROSSSH', software: 'ROSSSH' })]);
  assert.deepEqual([router?.vendor, router?.deviceType], ['MikroTik', 'router']);
  assert.equal(identifier.identify('127.0.0.1', [observation('ssh', { version: 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3', software: 'OpenSSH_8.9p1' })]), undefined);
});

test('telnet patterns go to the field their examples land in; a pattern spanning banner and prompt is left out', () => {
  const screen = (text: string) => Buffer.from(text, 'latin1').toString('base64');
  const xml = `<?xml version="1.0"?>
<fingerprints protocol="telnet">
  <fingerprint pattern="^ACME v([\\d.]+)$">
    <example os.version="2.1" _encoding="base64">${screen('ACME v2.1\r\nLogin:\n')}</example>
    <param pos="0" name="hw.vendor" value="ACME"/>
    <param pos="1" name="os.version"/>
  </fingerprint>
  <fingerprint pattern="^(AC\\d+) login:\\s*$">
    <example hw.product="AC500">AC500 login:</example>
    <param pos="0" name="hw.vendor" value="ACME"/>
    <param pos="1" name="hw.product"/>
  </fingerprint>
  <fingerprint pattern="^ACME v[\\d.]+\\r\\nLogin:\\s*$">
    <example _encoding="base64">${screen('ACME v2.1\r\nLogin:\n')}</example>
    <param pos="0" name="hw.vendor" value="ACME"/>
  </fingerprint>
</fingerprints>`;
  const report = importRecogXml(xml, 'telnet_banners.xml');
  assert.deepEqual(
    report.rules.map((rule) => [rule.field, rule.examples]),
    [
      ['banner', ['ACME v2.1']],
      ['prompt', ['AC500 login:']],
    ],
  );
  assert.deepEqual(report.ruleLines, [3, 8]);
  assert.deepEqual(
    report.skipped.map((item) => [item.line, item.reason.replace(/ \(.*$/, '')]),
    [[13, "translated pattern does not match Recog's example as our grabber records it"]],
  );
});

test('title patterns read decoded titles: entity references in them are decoded too', () => {
  const xml = `<?xml version="1.0"?>
<fingerprints matches="html_title">
  <fingerprint pattern="^(.+)&amp;nbsp;-&amp;nbsp;Acme.nbsp;Store$">
    <example>nas1&amp;nbsp;-&amp;nbsp;Acme&amp;nbsp;Store</example>
    <param pos="0" name="hw.vendor" value="ACME"/>
    <param pos="0" name="hw.device" value="NAS"/>
  </fingerprint>
  <fingerprint pattern="^AT&amp;amp;T (\\w+)$">
    <example hw.product="U115">AT&amp;amp;T U115</example>
    <param pos="0" name="hw.vendor" value="ATT"/>
    <param pos="1" name="hw.product"/>
  </fingerprint>
  <fingerprint pattern="^Relay$">
    <example>Relay</example>
    <param pos="0" name="hw.vendor" value="{service.vendor}"/>
  </fingerprint>
</fingerprints>`;
  const report = importRecogXml(xml, 'html_title.xml');
  assert.deepEqual(
    report.rules.map((rule) => [rule.pattern, rule.examples]),
    [
      ['^(.+) - Acme Store$', ['nas1 - Acme Store']],
      ['^AT&T (?<model>\\w+)$', ['AT&T U115']],
    ],
  );
  assert.match(report.skipped[0]?.reason ?? '', /the vendor is a template \(\{service\.vendor\}\)/);
});

test('a fingerprint too large for the regex engine, or with nested quantifiers, is left out with the reason (found by npm run fuzz)', () => {
  const fingerprint = (pattern: string) => `  <fingerprint pattern="${pattern}">
    <param pos="0" name="hw.vendor" value="Acme"/>
  </fingerprint>`;
  const xml = `<?xml version="1.0"?>
<fingerprints matches="ftp.banner" protocol="ftp">
${fingerprint(`^Acme ${'&lt;a&gt;'.repeat(20_000)}`)}
${fingerprint('^Acme (\\w+\\s?)+$')}
${fingerprint('^Acme \\d+(?:\\.\\d+)+$')}
</fingerprints>`;
  const report = importRecogXml(xml, 'hostile_ftp.xml');
  assert.deepEqual(
    report.skipped.map((item) => [item.line, /too large|nested quantifiers/.exec(item.reason)?.[0]]),
    [
      [3, 'too large'],
      [6, 'nested quantifiers'],
    ],
  );
  assert.equal(report.rules.length, 1, 'the safe fingerprint is kept');
});
