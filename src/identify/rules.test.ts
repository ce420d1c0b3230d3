import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { GrabResult, ServiceObservation } from '../core/records.ts';
import { createIdentifier } from './engine.ts';
import { defaultRulesDirectory, loadRuleFiles, ruleFilesIn } from './rule-loader.ts';

// The shipped rules are the real-world ones. Loading validates every rule, including that each pattern matches its own `examples`.
test('every shipped rule file loads without error', () => {
  const files = ruleFilesIn(defaultRulesDirectory);
  assert.ok(files.some((file) => file.endsWith('common.yaml')));
  const ruleSet = loadRuleFiles();
  assert.deepEqual(ruleSet.files, files);
  assert.ok(ruleSet.rules.length >= 25);
  // The lab's rules live with the lab (src/lab/rules/) and load only for loopback surveys.
  assert.deepEqual(
    ruleSet.rules.filter((rule) => rule.id.startsWith('lab-')).map((rule) => rule.id),
    [],
  );
});

const common = createIdentifier(loadRuleFiles([join(defaultRulesDirectory, 'common.yaml')]));

function seen(protocol: string, port: number, result: GrabResult): ServiceObservation {
  return { ip: '127.0.0.1', port, protocol, status: 'success', result, durationMs: 1, observedAt: '2025-01-01T00:00:00Z' };
}

test('real-world rules: a NETGEAR router is identified with model, product year and CPE', () => {
  const identity = common.identify('127.0.0.1', [seen('http', 80, { status: 401, auth: { scheme: 'basic', realm: 'NETGEAR R7000' }, headers: {} })]);
  assert.ok(identity);
  assert.deepEqual([identity.vendor, identity.model, identity.deviceType, identity.releaseYear], ['NETGEAR', 'R7000', 'router', 2013]);
  assert.equal(identity.cpe, 'cpe:2.3:o:netgear:r7000_firmware:*:*:*:*:*:*:*:*');
});

test('real-world rules: MikroTik seen on SSH and FTP agrees on vendor and takes the version from FTP', () => {
  const identity = common.identify('127.0.0.1', [
    seen('ssh', 22, { version: 'SSH-2.0-ROSSSH', protocolVersion: '2.0', software: 'ROSSSH' }),
    seen('ftp', 21, { banner: 'MikroTik FTP server (MikroTik 6.48.6) ready', code: 220 }),
  ]);
  assert.ok(identity);
  assert.deepEqual([identity.vendor, identity.deviceType, identity.firmwareVersion], ['MikroTik', 'router', '6.48.6']);
  assert.equal(identity.evidence.length, 2);
});

test('real-world rules: an Axis camera banner gives model, version and type', () => {
  const identity = common.identify('127.0.0.1', [seen('ftp', 21, { banner: 'AXIS 207W Network Camera 4.40 (Oct 04 2006) ready.', code: 220 })]);
  assert.deepEqual([identity?.vendor, identity?.model, identity?.deviceType, identity?.firmwareVersion], ['Axis', '207W', 'ip-camera', '4.40']);
});

test('real-world rules: generic embedded software never names a vendor', () => {
  const identity = common.identify('127.0.0.1', [
    seen('ssh', 22, { version: 'SSH-2.0-dropbear_2019.78', software: 'dropbear_2019.78' }),
    seen('telnet', 23, { banner: 'BusyBox v1.22.1 (2015-01-01) built-in shell (ash)', prompt: '#', promptKind: 'shell' }),
    seen('http', 80, { headers: { server: 'Boa/0.94.14rc21' }, title: 'Web Client', auth: { scheme: 'basic', realm: 'index.html' } }),
    seen('ftp', 21, { banner: 'FTP server ready', code: 220 }),
  ]);
  assert.equal(identity, undefined);
});

test('real-world rules: look-alike text does not match', () => {
  const lookAlikes = [
    seen('http', 80, { auth: { scheme: 'basic', realm: 'Netgear' } }), // no model: a vendor claim would be too weak to be useful
    seen('http', 80, { auth: { scheme: 'basic', realm: 'WRT router login' } }),
    seen('http', 80, { title: 'My Synology DiskStation notes' }),
    seen('ftp', 21, { banner: 'FUJI XEROX DocuPrint 3055', code: 220 }),
  ];
  for (const observation of lookAlikes) assert.equal(common.identify('127.0.0.1', [observation]), undefined, JSON.stringify(observation.result));
});

test('discovery rules: an SSDP answer alone names a FRITZ!Box and its release, and libupnp as a component', () => {
  const discovery = createIdentifier(loadRuleFiles([join(defaultRulesDirectory, 'discovery.yaml')]));
  const fritz = discovery.identify('127.0.0.1', [seen('ssdp', 1900, { server: 'FRITZ!Box 7490 UPnP/1.0 AVM FRITZ!Box 7490 113.07.12' })]);
  assert.deepEqual([fritz?.vendor, fritz?.model, fritz?.deviceType, fritz?.firmwareVersion], ['AVM', '7490', 'router', '113.07.12']);
  const camera = discovery.identify('127.0.0.1', [seen('ssdp', 1900, { server: 'Linux/3.0.8, UPnP/1.0, Portable SDK for UPnP devices/1.6.18' })]);
  assert.equal(camera?.vendor, undefined, 'a UPnP stack names no maker');
  assert.deepEqual(
    camera?.components?.map((component) => [component.product, component.version, component.cpe]),
    [['libupnp', '1.6.18', 'cpe:2.3:a:libupnp_project:libupnp:1.6.18:*:*:*:*:*:*:*']],
  );
});

test('discovery rules: an SNMP sysDescr read with public names a MikroTik router and an APC card with its firmware', () => {
  const discovery = createIdentifier(loadRuleFiles([join(defaultRulesDirectory, 'discovery.yaml')]));
  const router = discovery.identify('127.0.0.1', [seen('snmp', 161, { sysDescr: 'RouterOS RB951Ui-2HnD', sysName: 'gw' })]);
  assert.deepEqual([router?.vendor, router?.model, router?.deviceType], ['MikroTik', 'RB951Ui-2HnD', 'router']);
  const card = discovery.identify('127.0.0.1', [
    seen('snmp', 161, {
      sysDescr:
        'APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.4.6 PN:apc_hw05_aos_646.bin AF1:v6.4.6 AN1:apc_hw05_sumx_646.bin MN:AP9631 HR:05 SN: 5A1234E12345 MD:01/15/2014)',
    }),
  ]);
  assert.deepEqual([card?.vendor, card?.model, card?.firmwareVersion], ['APC', 'AP9631', '6.4.6']);
});
