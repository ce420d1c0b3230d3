/**
 * D-Link home routers — a REAL-PRODUCT profile. The lab simulates these real models
 * (real vendor, model and firmware names) so the vulnerability matcher can be tested
 * against real NVD records; nothing here is D-Link's code or text. What the web UI shows
 * follows public knowledge of these products: a "Linux, HTTP/1.1, <model> Ver <firmware>"
 * Server header (mini_httpd/httpd builds) or a Boa server (Realtek-SDK builds), and a
 * login page whose header names product page, hardware and firmware version.
 *
 * Firmware versions are chosen deliberately around the CVE records in
 * /work/shared/data/nvd and /work/shared/data/cve5: some releases inside an affected
 * range, some patched, one on a hardware revision that an AND configuration excludes.
 * Each release's `cves` is the curated ground truth; real-products.test.ts checks it
 * against the records with a small comparison of its own.
 */
import { identityOf, type FirmwareRelease, type HttpSite, type ModelSpec, type VendorProfile } from './profile.ts';
import { busyboxLogin } from './telnet-kit.ts';
import {
  boaStyle,
  customStyle,
  formLoginOutcome,
  hasSession,
  notFound,
  redirect,
  reply,
  routeOf,
  sessionToken,
  withHeaders,
  type ServerStyle,
} from './http-kit.ts';
import type { LabDevice, LabService } from '../types.ts';

const models: readonly ModelSpec[] = [
  { model: 'DIR-600', hardwareVersion: 'B2', deviceType: 'router', releaseYear: 2010, description: 'Wireless N 150 Home Router' },
  { model: 'DIR-605L', hardwareVersion: 'B1', deviceType: 'router', releaseYear: 2012, description: 'Wireless N 300 Cloud Router' },
  { model: 'DIR-605L', hardwareVersion: 'B2', deviceType: 'router', releaseYear: 2012, description: 'Wireless N 300 Cloud Router' },
  { model: 'DIR-820L', hardwareVersion: 'A1', deviceType: 'router', releaseYear: 2014, description: 'Wireless AC1000 Dual Band Cloud Router' },
  { model: 'DIR-859', hardwareVersion: 'A1', deviceType: 'router', releaseYear: 2015, description: 'Wireless AC1750 Dual Band Gigabit Router' },
];

/** Releases per model and hardware revision, oldest first, with the curated CVE table. */
const releases: Readonly<Record<string, readonly FirmwareRelease[]>> = {
  // CVE-2014-100005 (KEV): AND[ o:dlink:dir-600_firmware versionEndIncluding 2.16ww ; h:dlink:dir-600:- ].
  // The hardware node has no revision, so every DIR-600 matches it; 2.16WW is the boundary
  // (equal to 2.16ww but for case); 2.17B02 is the fix the description names.
  'DIR-600 B2': [
    { version: '2.12', date: '2011-05-17', cves: ['CVE-2014-100005'] },
    { version: '2.15WW', date: '2012-07-02', cves: ['CVE-2014-100005'] },
    { version: '2.16WW', date: '2013-04-11', cves: ['CVE-2014-100005'] },
    { version: '2.17B02', date: '2014-11-03', cves: [] },
    { version: '2.18', date: '2015-06-12', cves: [] },
  ],
  // CVE-2014-8361 (Realtek SDK miniigd, KEV): AND[ o:dlink:dir-605l_firmware 1.00–1.13 or 2.00–2.04 (both
  // ends included) ; h:dlink:dir-605l:a1 or :b1 ]. Rev B1 on 2.01 and 2.04 (upper boundary) is
  // affected; 2.06 and 2.12 are past the range.
  // CVE-2020-19318 (cve5 only; ADP: h:d-link:dir-605l, hardware "ax", firmware < 1.17beta) covers
  // rev A firmware 1.x; no lab unit runs 1.x, so it affects none.
  'DIR-605L B1': [
    { version: '2.01', date: '2012-06-11', cves: ['CVE-2014-8361'] },
    { version: '2.04', date: '2013-03-05', cves: ['CVE-2014-8361'] },
    { version: '2.06', date: '2013-12-19', cves: [] },
    { version: '2.12', date: '2016-05-26', cves: [] },
  ],
  // CVE-2021-40655 (KEV): AND[ o:dlink:dir-605l_firmware:2.01mt ; h:dlink:dir-605l:b2 ] — exactly 2.01MT on B2.
  // 2.01MT lies inside CVE-2014-8361's 2.00–2.04 window, but that record's hardware node lists
  // only a1 and b1: on B2 it does NOT apply (the AND excludes it).
  'DIR-605L B2': [
    { version: '2.01MT', date: '2014-08-06', cves: ['CVE-2021-40655'] },
    { version: '2.13', date: '2017-09-20', cves: [] },
  ],
  // CVE-2023-25280 (KEV): AND[ o:dlink:dir820la1_firmware:105b03 ; h:dlink:dir820la1:- ]: the record
  // writes the file-name form "105b03" of firmware 1.05B03 ("DIR820LA1_FW105B03") — the UI shows 1.05B03.
  'DIR-820L A1': [
    { version: '1.02B10', date: '2014-05-30', cves: [] },
    { version: '1.05B03', date: '2015-03-20', cves: ['CVE-2023-25280'] },
    { version: '1.06B01', date: '2017-12-05', cves: [] },
  ],
  // CVE-2024-0769 (KEV): AND[ o:dlink:dir-859_firmware:1.06:beta1 ; h:dlink:dir-859:- ]: version 1.06 with
  // update "beta1" — the UI's "1.06B01". 1.03B04 and 1.05B03 are other versions (exact match only).
  'DIR-859 A1': [
    { version: '1.03B04', date: '2015-09-01', cves: [] },
    { version: '1.05B03', date: '2016-07-21', cves: [] },
    { version: '1.06B01', date: '2017-12-28', cves: ['CVE-2024-0769'] },
  ],
};

/** Realtek-SDK builds answer with Boa; the others name model and firmware in the Server header. */
const usesBoa = (model: string): boolean => model === 'DIR-605L';

function styleOf(device: LabDevice): ServerStyle {
  const identity = identityOf(device);
  return usesBoa(identity.model) ? boaStyle : customStyle(`Linux, HTTP/1.1, ${identity.model} Ver ${identity.firmwareVersion}`, true);
}

function loginPage(device: LabDevice, failed: boolean): string {
  const identity = identityOf(device);
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>D-LINK SYSTEMS, INC. | WIRELESS ROUTER | LOGIN</title>
<link rel="stylesheet" href="/css/general.css" type="text/css">
</head>
<body>
<div id="header">
<span class="product">Product Page : <a href="http://support.dlink.com/" target="_blank">${identity.model}</a></span>
<span class="version">Hardware Version : ${identity.hardwareVersion ?? ''} &nbsp; Firmware Version : ${identity.firmwareVersion}</span>
</div>
<div id="content">
<h1>LOGIN</h1>
<p>Login to the router :</p>
${failed ? '<p class="error">User Name or Password is incorrect.</p>\n' : ''}<form name="frm" method="post" action="/login.cgi">
<label>User Name : <input type="text" name="username" value="Admin"></label>
<label>Password : <input type="password" name="password"></label>
<input type="submit" value="Log In">
</form>
</div>
<div id="copyright">Copyright &copy; 2004-2015 D-Link Systems, Inc.</div>
</body>
</html>
`;
}

function site(device: LabDevice, service: LabService): HttpSite {
  const style = styleOf(device);
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/login.cgi') {
      const outcome = formLoginOutcome(request.body, 'username', 'password', service.credential);
      if (outcome === 'rejected') return { ...reply(style, 200, loginPage(device, true)), login: 'rejected' };
      return { ...withHeaders(redirect(style, '/index.php'), [['Set-Cookie', `uid=${sessionToken(device.ip)}; path=/`]]), login: 'accepted' };
    }
    if (route === '/' || route === '/index.php') {
      if (route === '/index.php' && hasSession(request, 'uid', device.ip))
        return reply(style, 200, '<html><head><title>D-LINK SYSTEMS, INC. | WIRELESS ROUTER | HOME</title></head><body></body></html>\n');
      return reply(style, 200, loginPage(device, false));
    }
    return notFound(style, request);
  };
}

export const dlink: VendorProfile = {
  vendor: 'D-Link',
  share: 5,
  // Admin with an empty password: D-Link's published factory default.
  defaultCredentialId: 'on-003',
  models,
  firmwareReleases: (model) => {
    const list = releases[`${model.model} ${model.hardwareVersion ?? ''}`];
    if (!list) throw new Error(`D-Link ${model.model} ${model.hardwareVersion ?? ''}: no firmware releases`);
    return [...list];
  },
  hostname: () => 'dlinkrouter',
  planServices({ model, openShell, random }) {
    const services: ReturnType<VendorProfile['planServices']> = [{ port: 80, protocol: 'http', auth: 'form' }];
    // Early firmware left busybox telnetd running (a debugging leftover).
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    else if (model.releaseYear <= 2012 && random.chance(0.5)) services.push({ port: 23, protocol: 'telnet', auth: 'login' });
    return services;
  },
  telnet: (device) =>
    busyboxLogin({ hostname: device.hostname ?? 'dlinkrouter', issue: '', firmwareDate: device.firmwareDate ?? '2012-01-01', shellPrompt: '# ' }),
  http: site,
  realProduct: true,
};
