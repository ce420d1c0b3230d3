// The nmap XML reader on lines nmap 7.93 (Debian) printed for `nmap -sT -sV -n -Pn -T4 -oX`
// against lab devices of every protocol (servicefp values cut short; everything else as printed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTimedOutHosts, nmapIdentifications, parseNmapPorts, protocolForNmapService } from './_nmap.ts';

/** One <host> element as nmap writes it, around captured <port> lines. */
function host(ip: string, ports: string[], attributes = 'starttime="1796578698" endtime="1796578743"'): string {
  return [
    `<host ${attributes}><status state="up" reason="user-set" reason_ttl="0"/>`,
    `<address addr="${ip}" addrtype="ipv4"/>`,
    '<hostnames>',
    '</hostnames>',
    `<ports>${ports.join('\n')}`,
    '</ports>',
    '<times srtt="40" rttvar="5000" to="100000"/>',
    '</host>',
  ].join('\n');
}

const captured = {
  telnet:
    '<port protocol="tcp" portid="23"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="telnet" product="BusyBox telnetd" hostname="DVR" method="probed" conf="10"><cpe>cpe:/a:busybox:busybox</cpe></service></port>',
  http: '<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="mini_httpd" version="1.19 19dec2003" method="probed" conf="10"><cpe>cpe:/a:acme:mini_httpd:1.19_19dec2003</cpe></service></port>',
  httpsTunnel:
    '<port protocol="tcp" portid="8443"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="Boa" version="0.94.14rc21" tunnel="ssl" method="probed" conf="10"><cpe>cpe:/a:boa:boa:0.94.14rc21</cpe></service></port>',
  httpsAltTunnel:
    '<port protocol="tcp" portid="8443"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="https-alt" product="Linux, HTTP/1.1, KX-G100 Ver 2.08B09" servicefp="SF-Port8443-TCP:V=7.93%T=SSL%I=7%D=12/6%Time=6B159E0E%P=x86_64-pc-linux-gnu%r(GetRequest,114,&quot;HTTP/1\\.1\\x20401\\x20Unauthorized\\r\\n&quot;);" tunnel="ssl" method="probed" conf="10"/></port>',
  ssh: '<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="Dropbear sshd" version="2022.82" extrainfo="protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:matt_johnston:dropbear_ssh_server:2022.82</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service></port>',
  ftp: '<port protocol="tcp" portid="21"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ftp" product="vsftpd" version="2.0.8 or later" method="probed" conf="10"><cpe>cpe:/a:vsftpd:vsftpd</cpe></service></port>',
  mqtt: '<port protocol="tcp" portid="1883"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="mqtt" method="probed" conf="10"/></port>',
  mqttsTunnel:
    '<port protocol="tcp" portid="8883"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="mqtt" tunnel="ssl" method="probed" conf="10"/></port>',
  rtsp: '<port protocol="tcp" portid="554"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="rtsp" servicefp="SF-Port554-TCP:V=7.93%I=7%D=12/6%Time=6B1599CA%P=x86_64-pc-linux-gnu%r(GetRequest,1C,&quot;RTSP/1\\.0\\x20400\\x20Bad\\x20Request\\r\\n\\r\\n&quot;);" method="probed" conf="10"/></port>',
  upnpSoftmatch:
    '<port protocol="tcp" portid="49152"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="upnp" servicefp="SF-Port49152-TCP:V=7.93%I=7%D=12/6%Time=6B159D90%P=x86_64-pc-linux-gnu%r(FourOhFourRequest,E7,&quot;HTTP/1\\.1\\x20404\\x20Not\\x20Found\\r\\nServer:\\x20Linux/2\\.6\\.36,\\x20UPnP/1\\.0,\\x20MiniUPnPd/1\\.5\\r\\n&quot;);" method="probed" conf="10"/></port>',
  upnpUnrecognised:
    '<port protocol="tcp" portid="49152"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="unknown" servicefp="SF-Port49152-TCP:V=7.93%I=7%D=12/6%Time=6B1599DB%P=x86_64-pc-linux-gnu%r(GetRequest,E6,&quot;HTTP/1\\.1\\x20404\\x20Not\\x20Found\\r\\nServer:\\x20Linux/3\\.10\\.14\\x20UPnP/1\\.1\\x20MiniUPnPd/2\\.1\\r\\n&quot;);" method="table" conf="3"/></port>',
  upnpPortTable:
    '<port protocol="tcp" portid="5000"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="upnp" servicefp="SF-Port5000-TCP:V=7.93%I=7%D=12/6%Time=6B1599E0%P=x86_64-pc-linux-gnu%r(GetRequest,E6,&quot;HTTP/1\\.1\\x20404\\x20Not\\x20Found\\r\\n&quot;);" method="table" conf="3"/></port>',
  cwmp: '<port protocol="tcp" portid="7547"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="Allegro RomPager" version="4.07 UPnP/1.0" extrainfo="ZyXEL ZyWALL 2" method="probed" conf="10"><cpe>cpe:/a:allegro:rompager:4.07_upnp%2F1.0</cpe></service></port>',
  adbOpen:
    '<port protocol="tcp" portid="5555"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="freeciv" servicefp="SF-Port5555-TCP:V=7.93%I=7%D=12/6%Time=6B159BBA%P=x86_64-pc-linux-gnu%r(adbConnect,87,&quot;CNXN\\x01\\0\\0\\x01\\0\\0\\x04\\0o\\0\\0\\0\\+&apos;\\0\\0\\xbc\\xb1\\xa7\\xb1device::ro\\.product\\.name=NX-HG500;&quot;);" method="table" conf="3"/></port>',
  telnetMisnamed:
    '<port protocol="tcp" portid="23"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="nagios-nsca" product="Nagios NSCA" version="1.14.0 or later" method="probed" conf="10"><cpe>cpe:/a:busybox:busybox:1.14.0 or later</cpe></service></port>',
  movedSsh:
    '<port protocol="tcp" portid="8023"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="OpenSSH" version="7.9" extrainfo="protocol 2.0" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:7.9</cpe></service></port>',
  movedHttpsTunnel:
    '<port protocol="tcp" portid="5000"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" product="Boa" version="0.94.14rc21" tunnel="ssl" method="probed" conf="10"><cpe>cpe:/a:boa:boa:0.94.14rc21</cpe></service></port>',
  closed:
    '<port protocol="tcp" portid="2323"><state state="closed" reason="conn-refused" reason_ttl="0"/><service name="3d-nfsd" method="table" conf="3"/></port>',
  closedWithoutService: '<port protocol="tcp" portid="37215"><state state="closed" reason="conn-refused" reason_ttl="0"/></port>',
};

const xml = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<nmaprun scanner="nmap" args="nmap -sT -sV -n -Pn -T4" version="7.93" xmloutputversion="1.05">',
  host('127.85.0.1', [captured.telnet, captured.http, captured.closed, captured.closedWithoutService]),
  host('127.85.0.2', [captured.httpsTunnel, captured.ssh, captured.ftp, captured.rtsp]),
  host('127.85.0.3', [captured.mqtt, captured.mqttsTunnel, captured.upnpSoftmatch, captured.cwmp]),
  host('127.85.0.4', [captured.upnpUnrecognised, captured.upnpPortTable, captured.adbOpen, captured.httpsAltTunnel]),
  host('127.85.0.5', [captured.telnetMisnamed, captured.movedSsh, captured.movedHttpsTunnel]),
  '</nmaprun>',
].join('\n');

test('every open port is read with its service; closed ports are not', () => {
  const ports = parseNmapPorts(xml);
  assert.equal(ports.length, 17);
  assert.ok(!ports.some((port) => port.port === 2323 || port.port === 37215));
  assert.deepEqual(
    ports.find((port) => port.ip === '127.85.0.2' && port.port === 8443),
    { ip: '127.85.0.2', port: 8443, service: { name: 'http', tunnel: 'ssl', method: 'probed', product: 'Boa' } },
  );
  assert.deepEqual(ports.find((port) => port.port === 5555)?.service, { name: 'freeciv', method: 'table' });
});

test("nmap's names become ours: TLS tunnels, MQTT, RTSP, UPnP; CWMP as nmap says it; port-table guesses are left out", () => {
  assert.deepEqual(nmapIdentifications(xml), [
    { ip: '127.85.0.1', port: 23, protocol: 'telnet' },
    { ip: '127.85.0.1', port: 80, protocol: 'http' },
    { ip: '127.85.0.2', port: 8443, protocol: 'https' },
    { ip: '127.85.0.2', port: 22, protocol: 'ssh' },
    { ip: '127.85.0.2', port: 21, protocol: 'ftp' },
    { ip: '127.85.0.2', port: 554, protocol: 'rtsp' },
    { ip: '127.85.0.3', port: 1883, protocol: 'mqtt' },
    { ip: '127.85.0.3', port: 8883, protocol: 'mqtts' },
    { ip: '127.85.0.3', port: 49152, protocol: 'upnp' },
    // nmap names the TR-069 server by the web server it is: counted as said.
    { ip: '127.85.0.3', port: 7547, protocol: 'http' },
    // 49152 "unknown", 5000 "upnp" and 5555 "freeciv" are method="table": not identifications.
    { ip: '127.85.0.4', port: 8443, protocol: 'https' },
    { ip: '127.85.0.5', port: 23, protocol: 'nagios-nsca' },
    { ip: '127.85.0.5', port: 8023, protocol: 'ssh' },
    { ip: '127.85.0.5', port: 5000, protocol: 'https' },
  ]);
});

test('service names map one by one, in the clear and tunnelled', () => {
  const cases: Array<[{ name: string; tunnel?: string }, string]> = [
    [{ name: 'http-proxy' }, 'http'],
    [{ name: 'http-alt' }, 'http'],
    [{ name: 'ssl' }, 'https'],
    [{ name: 'https' }, 'https'],
    [{ name: 'https-alt' }, 'https'],
    [{ name: 'ssl/http' }, 'https'],
    [{ name: 'http', tunnel: 'ssl' }, 'https'],
    [{ name: 'https', tunnel: 'ssl' }, 'https'],
    [{ name: 'mqtt', tunnel: 'ssl' }, 'mqtts'],
    [{ name: 'adb' }, 'adb'],
    [{ name: 'upnp' }, 'upnp'],
    [{ name: 'rtsp', tunnel: 'ssl' }, 'ssl/rtsp'],
    [{ name: 'blackice-icecap', tunnel: 'ssl' }, 'ssl/blackice-icecap'],
    [{ name: 'nagios-nsca' }, 'nagios-nsca'],
  ];
  for (const [service, expected] of cases) assert.equal(protocolForNmapService(service), expected, JSON.stringify(service));
});

test('hosts nmap abandoned at --host-timeout are counted', () => {
  // nmap marks such a host with timedout="true" on its <host> element.
  const abandoned = host('127.85.0.9', [], 'starttime="1796578698" endtime="1796578998" timedout="true"');
  assert.equal(countTimedOutHosts(`${xml}\n${abandoned}`), 1);
  assert.equal(countTimedOutHosts(xml), 0);
});
