/**
 * DrayTek Vigor business routers — a REAL-PRODUCT profile (real vendor, model and firmware
 * names, simulated so the vulnerability matcher can be tested against real NVD records;
 * nothing here is DrayTek's code or text). The Linux-based Vigor2960/3900 web UI serves
 * a login page titled with the model and hands the firmware version to its script.
 *
 * Releases and their curated `cves` (checked against the records by real-products.test.ts):
 * CVE-2020-15415 (KEV) is AND[ o:draytek:vigor2960_firmware (or vigor3900_firmware)
 * versionEndExcluding 1.5.1 ; h:draytek:vigor2960:- (or vigor3900:-) ] — so 1.5.1 itself is
 * patched; CVE-2023-6265 is AND[ o:draytek:vigor2960_firmware exactly 1.5.1.4 or 1.5.1.5 ;
 * h:draytek:vigor2960:- ] and names no Vigor3900 firmware.
 */
import { identityOf, type FirmwareRelease, type HttpSite, type ModelSpec, type VendorProfile } from './profile.ts';
import { formLoginOutcome, hasSession, lighttpdStyle, notFound, redirect, reply, routeOf, sessionToken, withHeaders } from './http-kit.ts';
import { dropbearAt, lighttpdAt } from './software.ts';
import type { LabDevice, LabService } from '../types.ts';

const models: readonly ModelSpec[] = [
  { model: 'Vigor3900', deviceType: 'router', releaseYear: 2012, description: 'Multi-WAN VPN Concentrator' },
  { model: 'Vigor2960', deviceType: 'router', releaseYear: 2013, description: 'Dual-WAN Load Balancing Router' },
];

const releases: Readonly<Record<string, readonly FirmwareRelease[]>> = {
  Vigor3900: [
    { version: '1.4.0', date: '2018-05-02', cves: ['CVE-2020-15415'] },
    { version: '1.5.0', date: '2019-09-24', cves: ['CVE-2020-15415'] },
    { version: '1.5.1.3', date: '2021-09-14', cves: [] },
  ],
  Vigor2960: [
    { version: '1.3.1', date: '2016-03-15', cves: ['CVE-2020-15415'] },
    { version: '1.4.4', date: '2019-01-10', cves: ['CVE-2020-15415'] },
    { version: '1.5.0', date: '2019-09-24', cves: ['CVE-2020-15415'] },
    { version: '1.5.1', date: '2020-06-05', cves: [] },
    { version: '1.5.1.4', date: '2022-05-19', cves: ['CVE-2023-6265'] },
  ],
};

function loginPage(device: LabDevice, failed: boolean): string {
  const identity = identityOf(device);
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>${identity.model}</title>
<link rel="stylesheet" href="/css/login.css">
<script type="text/javascript">
var sysModelName = "${identity.model}";
var sysFwVersion = "${identity.firmwareVersion}";
var loginFailed = ${failed ? 'true' : 'false'};
</script>
<script type="text/javascript" src="/js/login.js"></script>
</head>
<body>
<div class="login">
<div class="brand">DrayTek</div>
<form method="post" action="/cgi-bin/mainfunction.cgi">
<input type="hidden" name="action" value="login">
<input type="text" name="username" placeholder="Username">
<input type="password" name="password" placeholder="Password">
<input type="submit" value="Login">
</form>
</div>
<div class="footer">Copyright &copy; DrayTek Corp. All Rights Reserved.</div>
</body>
</html>
`;
}

function site(device: LabDevice, service: LabService): HttpSite {
  const style = lighttpdStyle(lighttpdAt(device.firmwareDate ?? '2016-01-01'));
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/cgi-bin/mainfunction.cgi') {
      const outcome = formLoginOutcome(request.body, 'username', 'password', service.credential);
      if (outcome === 'rejected') return { ...reply(style, 200, loginPage(device, true)), login: 'rejected' };
      return { ...withHeaders(redirect(style, '/index.htm'), [['Set-Cookie', `SESSION_ID_VIGOR=${sessionToken(device.ip)}; path=/`]]), login: 'accepted' };
    }
    if (route === '/' || route === '/weblogin.htm') return reply(style, 200, loginPage(device, false));
    if (route === '/index.htm') {
      if (!hasSession(request, 'SESSION_ID_VIGOR', device.ip)) return redirect(style, '/weblogin.htm');
      return reply(style, 200, `<html><head><title>${identityOf(device).model}</title></head><body><div id="dashboard"></div></body></html>\n`);
    }
    return notFound(style, request);
  };
}

export const draytek: VendorProfile = {
  vendor: 'DrayTek',
  share: 2,
  // admin/admin: DrayTek's published factory default.
  defaultCredentialId: 'on-001',
  models,
  firmwareReleases: (model) => {
    const list = releases[model.model];
    if (!list) throw new Error(`DrayTek ${model.model}: no firmware releases`);
    return [...list];
  },
  hostname: (model) => model.model,
  // No telnet in the lab's Vigors, so the open-shell draw has nothing to open.
  planServices({ firmware, random }) {
    const services: ReturnType<VendorProfile['planServices']> = [{ port: 80, protocol: 'http', auth: 'form' }];
    if (random.chance(0.5)) services.push({ port: 22, protocol: 'ssh', auth: 'login', software: dropbearAt(firmware.date) });
    return services;
  },
  http: site,
  realProduct: true,
};
