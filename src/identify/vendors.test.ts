/**
 * The shipped real-world rules against real strings, vendor by vendor: each grab below is
 * what a device of that vendor sends (banners, titles, realms and Server headers as public
 * records and Recog's examples show them), identified with every shipped rule file loaded
 * together, as a survey loads them. A few look-alikes must name no vendor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GrabResult, ServiceObservation } from '../core/records.ts';
import { createIdentifier } from './engine.ts';
import { loadRuleFiles } from './rule-loader.ts';

const shipped = createIdentifier(loadRuleFiles());

type Grab = { protocol: string; result: GrabResult };
const server = (value: string): Grab => ({ protocol: 'http', result: { status: 200, headers: { server: value } } });
const title = (value: string): Grab => ({ protocol: 'http', result: { status: 200, headers: {}, title: value } });
const realm = (value: string): Grab => ({ protocol: 'http', result: { status: 401, headers: {}, auth: { scheme: 'basic', realm: value } } });
const ftp = (banner: string): Grab => ({ protocol: 'ftp', result: { banner, code: 220 } });
const ssh = (software: string): Grab => ({ protocol: 'ssh', result: { version: `SSH-2.0-${software}`, protocolVersion: '2.0', software } });
const telnet = (banner: string, prompt = 'login:'): Grab => ({ protocol: 'telnet', result: { banner, prompt, promptKind: 'login' } });

function identify(grab: Grab) {
  const observation: ServiceObservation = { ip: '192.0.2.1', port: 0, ...grab, status: 'success', durationMs: 1, observedAt: '2025-01-01T00:00:00Z' };
  return shipped.identify(observation.ip, [observation]);
}

/** [grab, vendor, model (or undefined), device type (or undefined: not asserted)] */
const samples: ReadonlyArray<readonly [Grab, string, string | undefined, string | undefined]> = [
  // cameras and recorders
  [realm('DS-2CD2032-I'), 'Hikvision', 'DS-2CD2032-I', 'ip-camera'],
  [telnet('', '192.0.0.64 login:'), 'Hikvision', undefined, undefined],
  [realm('Login to 4L01AB3PAZ12345'), 'Dahua', undefined, undefined],
  [realm('AXIS_ACCC8E012345'), 'Axis', undefined, undefined],
  [ftp('AXIS P1346 Network Camera 5.50beta3 (2014) ready'), 'Axis', undefined, 'ip-camera'],
  [title('Hanwha Techwin'), 'Hanwha Techwin', undefined, 'ip-camera'],
  [title('Web Viewer for Samsung DVR'), 'Samsung', undefined, 'dvr'],
  [realm('MOBOTIX Camera User'), 'Mobotix', undefined, 'ip-camera'],
  [title('WV-NS202A Network Camera'), 'Panasonic', 'WV-NS202A', 'ip-camera'],
  [title('Sony Network Camera'), 'Sony', undefined, 'ip-camera'],
  [telnet('Welcome to FLEXIDOME NDC-455-P 1.2.3.4 from 5.6.7.8'), 'Bosch', 'FLEXIDOME NDC-455-P', 'ip-camera'],
  [realm('Merit LILIN Ent. Co., Ltd.'), 'Merit LILIN', undefined, 'ip-camera'],
  [title('IQeye703 IQEYE011750: Live Images'), 'IQinVision', 'IQeye703', 'ip-camera'],
  [server('FUHO-DVR'), 'FUHO', undefined, 'dvr'],
  [realm('TiVo DVR'), 'TiVo', undefined, 'dvr'],
  [title('NETSurveillance WEB'), 'Xiongmai', undefined, undefined],
  [server('Linux/2.x UPnP/1.0 Avtech/1.0'), 'AVTECH', undefined, undefined],
  // routers, gateways, modems
  [server('Linux, WEBACCESS/1.0, DIR-850L Ver 1.14WW'), 'D-Link', 'DIR-850L', 'router'],
  [server('ipos/7.0 UPnP/1.0 TL-WR740N/4.0'), 'TP-Link', 'WR740N', 'router'],
  [realm('TD-W8901G'), 'TP-Link', 'TD-W8901G', 'router'],
  [realm('NETGEAR Orbi'), 'NETGEAR', 'Orbi', 'router'],
  [ftp('Welcome to ASUS RT-AC68U FTP service.'), 'ASUS', 'RT-AC68U', 'router'],
  [telnet('', 'RT-AC54U login:'), 'ASUS', 'RT-AC54U', 'router'],
  [title('Linksys Smart Wi-Fi'), 'Linksys', undefined, 'router'],
  [realm('EchoLife Home Gateway'), 'Huawei', 'EchoLife Home Gateway', 'router'],
  [realm('ZXHN H108L'), 'ZTE', 'H108L', 'router'],
  [telnet('MikroTik v6.42.3 (stable)', 'Login:'), 'MikroTik', undefined, 'router'],
  [title('UniFi Security Gateway'), 'Ubiquiti', 'UniFi Security Gateway', 'router'],
  [ssh('DraySSH_2.0'), 'DrayTek', undefined, 'router'],
  [ftp('FTP Server (ZyWALL USG 20) [10.0.0.2]'), 'Zyxel', 'USG 20', 'router'],
  [ftp('FRITZ!Box7490 FTP server ready.'), 'AVM', 'FRITZ!Box7490', 'router'],
  [realm('SpeedTouch (00-90-D0-F9-91-52)'), 'Thomson', undefined, 'router'],
  [ftp('Speedport W 921V FTP Server v1.39.000 ready'), 'Deutsche Telekom', 'W 921V', 'router'],
  [realm('SERCOMM CPE Authentication'), 'Sercomm', undefined, 'router'],
  [realm('Ubee'), 'Ubee', undefined, 'router'],
  [telnet('KeeneticOS version 3.04.C.6.0-0, copyright (c) 2010-2020 Keenetic Ltd.'), 'Keenetic', undefined, 'router'],
  [telnet('', 'Air5650TT login:'), 'Airties', 'Air5650TT', 'router'],
  [telnet('', 'SMCD3GN2-BIZ login:'), 'SMC Networks', 'SMCD3GN2-BIZ', 'router'],
  [title('Eltex - NTU-2V'), 'Eltex', 'NTU-2V', 'router'],
  [title('Google Wifi'), 'Google', undefined, 'router'],
  [title('Freebox OS'), 'Freebox', undefined, 'router'],
  [server('Xfinity Broadband Router Server'), 'Comcast', 'Xfinity Broadband Router', 'router'],
  [server('NET-DK/1.0'), 'ARRIS', undefined, 'router'],
  [realm('level_15_access'), 'Cisco', undefined, 'router'],
  [ssh('RGOS_SSH_1.0'), 'Ruijie', undefined, undefined],
  [telnet('', 'FGT60C3G13001111 login:'), 'Fortinet', undefined, 'router'],
  [server('SonicWALL'), 'SonicWall', undefined, 'router'],
  [server('IX Series IX2106 (magellan-sec) Software, Version 10.2.20, RELEASE SOFTWARE'), 'NEC', 'IX2106', 'router'],
  // NAS
  [ftp('DiskStation FTP server ready.'), 'Synology', undefined, 'nas'],
  [ftp('NASFTPD Turbo station 1.3.5a Server (ProFTPD)'), 'QNAP', undefined, 'nas'],
  [ftp('"Welcome to MyBookLive"'), 'Western Digital', 'My Book Live', 'nas'],
  [ftp('ProFTPD 1.3.3g Server (NETGEAR ReadyNAS) [192.168.1.10]'), 'NETGEAR', 'ReadyNAS', 'nas'],
  // printers
  [title('HP LaserJet M1536dnf MFP 1.1.1.1'), 'HP', 'LaserJet M1536dnf MFP', 'printer'],
  [title('Brother MFC-L5900DW series'), 'Brother', 'MFC-L5900DW', 'printer'],
  [title('Remote UI: Login: MF632C/634C: MF632C/634C'), 'Canon', 'MF632C/634C', 'printer'],
  [server('EPSON_Linux UPnP/1.0 Epson UPnP SDK/1.0'), 'Epson', undefined, 'printer'],
  [ftp('NRG MP C2550 FTP server (8.25) ready.'), 'Ricoh', 'MP C2550', 'printer'],
  [ftp('Xerox Phaser 6130N'), 'Xerox', 'Phaser 6130N', 'printer'],
  [ftp('FUJI XEROX DocuPrint C2100'), 'Fuji Xerox', 'DocuPrint C2100', 'printer'],
  [ftp('ET0021718 Lexmark T654 FTP Server NR.APS.F368 ready.'), 'Lexmark', 'T654', 'printer'],
  [ftp('ET0021B71A1111 Dell 2350dn Laser Printer FTP Server NR.APS.N449 ready.'), 'Dell', '2350dn Laser Printer', 'printer'],
  [ftp('ET00040089BE42 TOSHIBA e-STUDIO500S FTP Server NC2.NPS.N211 ready.'), 'Toshiba', 'e-STUDIO500S', 'printer'],
  [ftp('SHARP MX-5001N Ver 01.05.00.0n FTP server.'), 'Sharp', 'MX-5001N', 'printer'],
  [ftp('FS-1128MFP FTP server'), 'Kyocera', 'FS-1128MFP', 'printer'],
  [ftp('KM250E38 FTP server (KM FTPD version 1.00) ready.'), 'Konica Minolta', undefined, 'printer'],
  [ftp('Oce im3512 Ver 01.04.00.0c FTP server.'), 'Oce', 'im3512', 'printer'],
  [ftp('ZBR-46687 Version 7.02 ready.'), 'Zebra', 'ZBR-46687', 'printer'],
  [ftp('Welcome to Honeywell Printer PM43c'), 'Honeywell', 'PM43', 'printer'],
  [ftp('SATO SATO PRINTER Ver A2.3.0 FTP server.'), 'SATO', undefined, 'printer'],
  [title('Evolis Printer'), 'Evolis', undefined, 'printer'],
  [ftp('EFI FTP Print server ready.'), 'EFI', undefined, 'printer'],
  [ftp('ET0021B7549AF2 Source Technologies ST-9620 FTP Server NR.APS.N447b2 ready.'), 'Source Technologies', 'ST-9620', 'printer'],
  [telnet('Welcome to MELCO Print Server'), 'Buffalo', undefined, 'printer'],
  // other connected devices
  [title('Shelly Dimmer 2'), 'Shelly', 'Dimmer 2', 'other'],
  [title('hue personal wireless lighting'), 'Philips', 'Hue Bridge', 'iot-gateway'],
  [title('Nanoleaf Firmware Upload'), 'Nanoleaf', undefined, 'other'],
  [title('WyzeOutdoorPlug - Main Menu'), 'Wyze', undefined, 'other'],
  [title('GoGogate - LAN'), 'GoGogate', undefined, 'other'],
  [server('Linux UPnP/1.0 Sonos/47.2-59120 (ZPS3)'), 'Sonos', 'ZPS3', 'other'],
  [server('Roku/9.2.0 UPnP/1.0 Roku/9.2.0'), 'Roku', undefined, 'other'],
  [server('AV_Receiver/3.1 (RX-V675)'), 'Yamaha', 'RX-V675', 'other'],
  [title('SoundTouch Access Point Setup'), 'Bose', 'SoundTouch', 'other'],
  [title('HDHomeRun Main Menu'), 'SiliconDust', 'HDHomeRun', 'other'],
  [title('GigaBlue Quad Plus - OpenWebif'), 'GigaBlue', 'Quad Plus', 'other'],
  [title('Barix Instreamer Instreamer'), 'Barix', 'Instreamer', 'other'],
  [server('Loxone Miniserver some name UPnP/1.0'), 'Loxone', 'Miniserver', 'iot-gateway'],
  [server('Crestron Webserver'), 'Crestron', undefined, 'iot-gateway'],
  [ftp('ACRC103 Network Management Card AOS v3.6.1 FTP server ready.'), 'APC', 'ACRC103', 'other'],
  [ftp('CyberPower Systems FTP Server Ready.'), 'CyberPower', undefined, 'other'],
  [server('Sunny WebBox'), 'SMA', 'Sunny WebBox', 'iot-gateway'],
  [telnet('Model name       : NPort 5110A'), 'Moxa', '5110A', 'iot-gateway'],
  [telnet('*** Lantronix UDS1100-IAP Device Server ***'), 'Lantronix', 'UDS1100-IAP', 'iot-gateway'],
  [title('TransPort WR44v2 (SN: 888111) Configuration and Management'), 'Digi', 'WR44v2', 'router'],
  [telnet('Grandstream HT812 Command Shell Copyright 2006-2017', 'Password:'), 'Grandstream', 'HT812', 'iot-gateway'],
  [server('Polycom SoundPoint IP Telephone HTTPd'), 'Polycom', 'SoundPoint IP', 'other'],
  [title('Digium Phone Settings'), 'Digium', undefined, 'other'],
];

test('at least 50 real vendors, each identified from a real string', () => {
  assert.ok(new Set(samples.map(([, vendor]) => vendor)).size >= 50);
  for (const [grab, vendor, model, deviceType] of samples) {
    const identity = identify(grab);
    const seen = JSON.stringify(grab.result);
    assert.equal(identity?.vendor, vendor, seen);
    if (model !== undefined) assert.equal(identity?.model, model, seen);
    if (deviceType !== undefined) assert.equal(identity?.deviceType, deviceType, seen);
  }
});

test('versions come out as the vendors write them', () => {
  assert.equal(identify(server('Linux, WEBACCESS/1.0, DSL-2890AL Ver AU_1.02.10'))?.firmwareVersion, '1.02.10');
  assert.equal(identify(ftp('RICOH Aficio SP 4210N FTP server (8.63) ready.'))?.firmwareVersion, '8.63');
  assert.equal(identify(ftp('SHARP MX-M363N Ver 01.05.00.0k FTP server.'))?.firmwareVersion, '01.05.00.0k');
  assert.equal(identify(telnet('ZXHN H298A V1.1', 'Login:'))?.firmwareVersion, '1.1');
  assert.equal(identify(telnet('MikroTik v5.2', 'Login:'))?.firmwareVersion, '5.2');
});

test('products join: release year and the CPE NVD uses', () => {
  const asus = identify(ftp('Welcome to ASUS RT-AC68U FTP service.'));
  assert.deepEqual([asus?.releaseYear, asus?.cpe], [2013, 'cpe:2.3:o:asus:rt-ac68u_firmware:*:*:*:*:*:*:*:*']);
  assert.equal(identify(server('Linux, HTTP/1.1, DIR-815 Ver 1.04'))?.cpe, 'cpe:2.3:o:dlink:dir-815_firmware:1.04:*:*:*:*:*:*:*');
});

test('a Lexmark-made printer whose banner names no brand is Lexmark’s; Fuji Xerox is not Xerox', () => {
  assert.equal(identify(ftp('ET0020007E4D2A Pro700 Series FTP Server ready.'))?.vendor, 'Lexmark');
  const partner = identify(ftp('ET0021B730F70E Source Technologies ST-9620 FTP Server NJ.APS.N254e ready.'));
  assert.deepEqual([partner?.vendor, partner?.evidence.map((item) => item.ruleId)], ['Source Technologies', ['source-technologies-ftp-banner']]);
  assert.equal(identify(ftp('FUJI XEROX DocuPrint 3055'))?.vendor, 'Fuji Xerox');
});

test('look-alikes name no vendor (software components they show may still be read)', () => {
  const lookAlikes: Grab[] = [
    server('Linux, HTTP/1.1, Ver 1.04'), // no model
    server('Linux UPnP/1.0 Sonos'), // no version, no model code
    realm('DS-2CD'), // a model prefix is not a model
    realm('Login to admin'), // Dahua's realm carries a serial number
    realm('Ubee Router'),
    title('USG'),
    title('Shelly'),
    title('Remote UI'),
    title('My FRITZ!Box notes'),
    title('Machine Identification'),
    telnet('', 'router login:'),
    telnet('', '192.0.0.65 login:'),
    telnet('Welcome to the Windows CE Telnet Service on PC-01'),
    ftp('ProFTPD 1.3.5 Server (Debian) [::ffff:192.0.2.1]'),
    ftp('FS FTP server ready'),
    ftp('Printer FTP 4.8.7 ready at Apr 30 20:13:23'),
    ssh('OpenSSH_7.4p1'),
  ];
  for (const grab of lookAlikes) assert.equal(identify(grab)?.vendor, undefined, JSON.stringify(grab.result));
});
