import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { GrabResult, ServiceObservation } from '../core/records.ts';
import { createIdentifier } from './engine.ts';
import { defaultRulesDirectory, loadRuleFiles } from './rule-loader.ts';

const components = createIdentifier(loadRuleFiles([join(defaultRulesDirectory, 'components.yaml')]));
const shipped = createIdentifier(loadRuleFiles());

function seen(protocol: string, port: number, result: GrabResult): ServiceObservation {
  return { ip: '192.0.2.1', port, protocol, status: 'success', result, durationMs: 1, observedAt: '2025-01-01T00:00:00Z' };
}

const ssh = (software: string) => seen('ssh', 22, { version: `SSH-2.0-${software}`, protocolVersion: '2.0', software });
const server = (value: string) => seen('http', 80, { status: 200, headers: { server: value } });
const ftp = (banner: string) => seen('ftp', 21, { banner, code: 220 });
const telnet = (banner: string) => seen('telnet', 23, { banner, prompt: '#', promptKind: 'shell' });

/** Real greetings and headers these programs send, and what each must be read as. */
const realTexts: Array<[ServiceObservation, string, string | undefined, string]> = [
  [ssh('dropbear_2014.63'), 'dropbear', '2014.63', 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2014.63:*:*:*:*:*:*:*'],
  [ssh('dropbear_2022.83'), 'dropbear', '2022.83', 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2022.83:*:*:*:*:*:*:*'],
  [ssh('dropbear'), 'dropbear', undefined, 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:*:*:*:*:*:*:*:*'],
  [ssh('OpenSSH_7.4p1'), 'OpenSSH', '7.4p1', 'cpe:2.3:a:openbsd:openssh:7.4p1:*:*:*:*:*:*:*'],
  [ssh('OpenSSH_9.6'), 'OpenSSH', '9.6', 'cpe:2.3:a:openbsd:openssh:9.6:*:*:*:*:*:*:*'],
  [telnet('\nBusyBox v1.35.0 (2022-08-01 12:00:00 UTC) built-in shell (ash)\n'), 'BusyBox', '1.35.0', 'cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*'],
  [ftp('(vsFTPd 3.0.3)'), 'vsftpd', '3.0.3', 'cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:*:*:*:*:*:*:*'],
  [ftp('ProFTPD 1.3.5e Server (NAS) [192.0.2.1]'), 'ProFTPD', '1.3.5e', 'cpe:2.3:a:proftpd:proftpd:1.3.5e:*:*:*:*:*:*:*'],
  [ftp('ProFTPD Server (ProFTPD Default Installation) [192.0.2.1]'), 'ProFTPD', undefined, 'cpe:2.3:a:proftpd:proftpd:*:*:*:*:*:*:*:*'],
  [ftp('=(<*>)=-.:. (( Welcome to Pure-FTPd 1.0.11 )) .:.-=(<*>)=-'), 'Pure-FTPd', '1.0.11', 'cpe:2.3:a:pureftpd:pure-ftpd:1.0.11:*:*:*:*:*:*:*'],
  [
    ftp('--------- Welcome to Pure-FTPd [privsep] [TLS] ----------\nYou are user number 1 of 50 allowed.'),
    'Pure-FTPd',
    undefined,
    'cpe:2.3:a:pureftpd:pure-ftpd:*:*:*:*:*:*:*:*',
  ],
  [server('lighttpd/1.4.69'), 'lighttpd', '1.4.69', 'cpe:2.3:a:lighttpd:lighttpd:1.4.69:*:*:*:*:*:*:*'],
  [server('mini_httpd/1.19 19dec2003'), 'mini_httpd', '1.19', 'cpe:2.3:a:acme:mini_httpd:1.19:*:*:*:*:*:*:*'],
  [server('GoAhead-Webs/2.5.0 PeerSec-MatrixSSL/3.4.2-OPEN'), 'GoAhead', '2.5.0', 'cpe:2.3:a:embedthis:goahead:2.5.0:*:*:*:*:*:*:*'],
  [server('GoAhead-Webs'), 'GoAhead', undefined, 'cpe:2.3:a:embedthis:goahead:*:*:*:*:*:*:*:*'],
  [server('Boa/0.94.14rc21'), 'Boa', '0.94.14rc21', 'cpe:2.3:a:boa:boa:0.94.14rc21:*:*:*:*:*:*:*'],
  [server('thttpd/2.25b 29dec2003'), 'thttpd', '2.25b', 'cpe:2.3:a:acme:thttpd:2.25b:*:*:*:*:*:*:*'],
  [server('uhttpd/1.0.0'), 'uhttpd', '1.0.0', 'cpe:2.3:a:openwrt:uhttpd:1.0.0:*:*:*:*:*:*:*'],
  [server('RomPager/4.07 UPnP/1.0'), 'RomPager', '4.07', 'cpe:2.3:a:allegrosoft:rompager:4.07:*:*:*:*:*:*:*'],
  [server('Allegro-Software-RomPager/4.30b3'), 'RomPager', '4.30b3', 'cpe:2.3:a:allegrosoft:rompager:4.30b3:*:*:*:*:*:*:*'],
  [server('Mbedthis-Appweb/2.4.2'), 'Appweb', '2.4.2', 'cpe:2.3:a:embedthis:appweb:2.4.2:*:*:*:*:*:*:*'],
  [server('uc-httpd 1.0.0'), 'uc-httpd', '1.0.0', 'cpe:2.3:a:xiongmaitech:uc-httpd:1.0.0:*:*:*:*:*:*:*'],
  [
    seen('rtsp', 554, { status: 200, server: 'LIVE555 Streaming Media v2016.11.28' }),
    'LIVE555 Streaming Media',
    '2016.11.28',
    'cpe:2.3:a:live555:streaming_media:2016.11.28:*:*:*:*:*:*:*',
  ],
];

test('each component is read from the text its program really sends: product, version and CPE', () => {
  for (const [observation, product, version, cpe] of realTexts) {
    const identity = components.identify('192.0.2.1', [observation]);
    const label = JSON.stringify(observation.result);
    assert.ok(identity, label);
    assert.equal(identity.components?.length, 1, label);
    const [component] = identity.components!;
    assert.deepEqual([component?.product, component?.version, component?.cpe], [product, version, cpe], label);
    assert.deepEqual([component?.protocol, component?.port], [observation.protocol, observation.port], label);
    assert.ok(component?.ruleId.startsWith('component-'), label);
  }
});

test('look-alike texts show no component', () => {
  const lookAlikes = [
    ssh('OpenSSH'), // no version and not how OpenSSH names itself
    ssh('dropbear-like_2014.63'),
    server('Boa'),
    server('Apache/2.4.41 (Ubuntu) lighttpd/1.4.35'), // another server mentioning it, not lighttpd itself
    ftp('Welcome to my vsFTPd server'),
    telnet('Welcome to BusyBox land'),
    seen('http', 80, { title: 'lighttpd/1.4.35', headers: {} }), // the rule reads the Server header, not the title
  ];
  for (const observation of lookAlikes) assert.equal(components.identify('192.0.2.1', [observation]), undefined, JSON.stringify(observation.result));
});

test('a host that shows only software is still identified: no vendor, its components, their evidence', () => {
  const identity = shipped.identify('192.0.2.1', [
    ssh('dropbear_2014.63'),
    telnet('BusyBox v1.22.1 (2015-01-01 00:00:00 UTC) built-in shell (ash)'),
    server('Boa/0.94.14rc21'),
  ]);
  assert.ok(identity);
  assert.equal(identity.vendor, undefined);
  assert.equal(identity.model, undefined);
  assert.equal(identity.firmwareVersion, undefined, 'a component version is never the device firmware version');
  assert.equal(identity.deviceType, 'other');
  assert.deepEqual(
    identity.components?.map((component) => `${component.product} ${component.version}`),
    ['Boa 0.94.14rc21', 'BusyBox 1.22.1', 'dropbear 2014.63'],
  );
  assert.deepEqual(identity.evidence.map((entry) => entry.ruleId).sort(), ['component-boa', 'component-busybox', 'component-dropbear']);
  assert.ok(identity.confidence > 0.95 && identity.confidence <= 0.99);
});

test('a device whose maker is named also lists its components; software does not change the vendor vote', () => {
  const identity = shipped.identify('192.0.2.1', [server('uc-httpd 1.0.0'), ssh('dropbear_2012.55')]);
  assert.ok(identity);
  assert.equal(identity.vendor, 'Xiongmai');
  assert.deepEqual(
    identity.components?.map((component) => component.cpe),
    ['cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2012.55:*:*:*:*:*:*:*', 'cpe:2.3:a:xiongmaitech:uc-httpd:1.0.0:*:*:*:*:*:*:*'],
  );
  assert.deepEqual(
    identity.evidence.map((entry) => entry.ruleId),
    ['xiongmai-http-server'],
    'only rules that support the device facts are evidence for them',
  );
});

test('the same component on two ports is one entry; a version-less sighting gives way to a versioned one', () => {
  // In port order, as a survey grabs them: a rule counts once per address, on its first match.
  const identity = components.identify('192.0.2.1', [
    ssh('dropbear_2019.78'),
    server('Boa/0.94.13'),
    { ...ssh('dropbear'), port: 2222 },
    { ...server('Boa/0.94.13'), port: 8080 },
  ]);
  assert.deepEqual(
    identity?.components?.map((component) => [component.product, component.version, component.port]),
    [
      ['Boa', '0.94.13', 80],
      ['dropbear', '2019.78', 22],
    ],
  );
});

test('a host that shows nothing known is still not identified', () => {
  assert.equal(shipped.identify('192.0.2.1', [server('nginx'), ftp('FTP server ready')]), undefined);
});
