/**
 * Storix: NAS boxes. The web UI listens on 8080 (lighttpd); "/" redirects to the login
 * page whose title is "Storix <model>" and whose asset URLs carry the firmware version
 * as a cache-buster. ProFTPD names the model in its greeting; OpenSSH is always on, with
 * PAM asking for the password (keyboard-interactive only); the oldest models still run
 * busybox telnetd.
 */
import { deviceNumber, firmwareDates, identityOf, pad, type HttpSite, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { busyboxLogin } from './telnet-kit.ts';
import { formLoginOutcome, hasSession, lighttpdStyle, notFound, redirect, reply, routeOf, sessionToken, withHeaders } from './http-kit.ts';
import { lighttpdAt, openSshAt, proftpdAt } from './software.ts';
import { proftpdPersona } from './ftp-kit.ts';
import { openSshPersona } from './ssh-kit.ts';
import type { LabDevice, LabService } from '../types.ts';

function loginPage(model: string, firmware: string, failed: boolean): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Storix ${model}</title>
<link rel="stylesheet" href="/storix/css/login.css?fwver=${firmware}">
<script src="/storix/js/login.js?fwver=${firmware}"></script>
</head>
<body>
<div class="brand">Storix NAS</div>
<form id="login" method="post" action="/cgi-bin/authLogin.cgi">
${failed ? '<p class="error">Invalid username or password.</p>\n' : ''}<input type="text" name="user" placeholder="Username" autocomplete="username">
<input type="password" name="pwd" placeholder="Password" autocomplete="current-password">
<label><input type="checkbox" name="remember"> Remember me</label>
<button type="submit">Login</button>
</form>
</body>
</html>
`;
}

function site(device: LabDevice, service: LabService): HttpSite {
  const identity = identityOf(device);
  const style = lighttpdStyle(lighttpdAt(device.firmwareDate ?? '2015-01-01'));
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/cgi-bin/authLogin.cgi') {
      const outcome = formLoginOutcome(request.body, 'user', 'pwd', service.credential);
      if (outcome === 'rejected') return { ...reply(style, 200, loginPage(identity.model, identity.firmwareVersion, true)), login: 'rejected' };
      return {
        ...withHeaders(redirect(style, '/cgi-bin/index.cgi'), [['Set-Cookie', `NAS_SID=${sessionToken(device.ip)}; path=/; HttpOnly`]]),
        login: 'accepted',
      };
    }
    if (route === '/') return redirect(style, '/cgi-bin/login.html');
    if (route === '/cgi-bin/login.html') return reply(style, 200, loginPage(identity.model, identity.firmwareVersion, false));
    if (route === '/cgi-bin/index.cgi') {
      if (!hasSession(request, 'NAS_SID', device.ip)) return redirect(style, '/cgi-bin/login.html');
      return reply(style, 200, `<!DOCTYPE html><html><head><title>Storix ${identity.model}</title></head><body><div id="desktop"></div></body></html>\n`);
    }
    return notFound(style, request);
  };
}

export const storix: VendorProfile = {
  vendor: 'Storix',
  share: 10,
  defaultCredentialId: 'on-008',
  models: [
    { model: 'SXN-210', deviceType: 'nas', releaseYear: 2011, description: '2-Bay NAS' },
    { model: 'SXN-420', deviceType: 'nas', releaseYear: 2013, description: '4-Bay NAS' },
    { model: 'SXN-412P', deviceType: 'nas', releaseYear: 2015, description: '4-Bay Business NAS' },
    { model: 'SXN-230', deviceType: 'nas', releaseYear: 2017, description: '2-Bay Home NAS' },
    { model: 'SXN-640', deviceType: 'nas', releaseYear: 2019, description: '6-Bay NAS' },
    { model: 'SXN-880X', deviceType: 'nas', releaseYear: 2023, description: '8-Bay Rackmount NAS' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    return firmwareDates(model).map((date, index) => {
      const major = date < '2013' ? 3 : date < '2020' ? 4 : 5;
      return { date, version: `${major}.${(seed % 4) + Math.floor(index / 2)}.${(index * 3 + (seed % 3)) % 10}.${pad((seed + index * 1373) % 10_000, 4)}` };
    });
  },
  hostname: (_model, ip) => `NAS${(deviceNumber(ip, 'storix-mac') & 0xffffff).toString(16).toUpperCase().padStart(6, '0')}`,
  planServices({ model, firmware, openShell }) {
    const services: ReturnType<VendorProfile['planServices']> = [
      { port: 8080, protocol: 'http', auth: 'form' },
      { port: 21, protocol: 'ftp', auth: 'login', software: `ProFTPD ${proftpdAt(firmware.date)}` },
      { port: 22, protocol: 'ssh', auth: 'login', software: openSshAt(firmware.date) },
    ];
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    else if (model.releaseYear <= 2013) services.push({ port: 23, protocol: 'telnet', auth: 'login' });
    return services;
  },
  telnet: (device) => busyboxLogin({ hostname: device.hostname ?? 'NAS', issue: '', firmwareDate: device.firmwareDate ?? '2013-01-01', shellPrompt: '[~] # ' }),
  http: site,
  ftp: (device) => proftpdPersona(proftpdAt(device.firmwareDate ?? '2015-01-01'), `Storix ${identityOf(device).model}`, device.ip),
  ssh: () => openSshPersona({ keyboardInteractiveOnly: true }),
};
