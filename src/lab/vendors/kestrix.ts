/**
 * Kestrix: ISP routers and smart-home gateways. Every HTTP reply carries a Server header
 * in the "Linux, HTTP/1.1, <model> Ver <firmware>" form. Older models protect the whole
 * site with Basic auth whose realm is just the model name, and offer a "Username:"
 * telnet console; newer ones send "/" to a login page through a JavaScript redirect.
 */
import { firmwareDates, identityOf, pad, type HttpSite, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { busyboxWelcome, usernameConsole } from './telnet-kit.ts';
import {
  basicAuthOutcome,
  challenge,
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
import { dropbearAt } from './software.ts';
import type { LabDevice, LabService } from '../types.ts';

const isFirstGeneration = (releaseYear: number): boolean => releaseYear <= 2014;

function styleOf(device: LabDevice): ServerStyle {
  const identity = identityOf(device);
  return customStyle(`Linux, HTTP/1.1, ${identity.model} Ver ${identity.firmwareVersion}`);
}

function basicSite(device: LabDevice, service: LabService): HttpSite {
  const style = styleOf(device);
  const realm = identityOf(device).model;
  return (request) => {
    const outcome = basicAuthOutcome(request, service.credential);
    if (outcome !== 'accepted') return challenge(style, realm, outcome);
    const route = routeOf(request);
    const answer =
      route === '/' || route === '/index.asp'
        ? reply(style, 200, `<html><head><title>${realm}</title></head><body><iframe src="/st_device.asp" name="content"></iframe></body></html>\n`)
        : notFound(style, request);
    return { ...answer, login: 'accepted' };
  };
}

const redirectPage = `<html>
<head>
<title>Kestrix</title>
<script type="text/javascript">
window.location.href = "/login.html";
</script>
</head>
<body></body>
</html>
`;

function loginPage(model: string, failed: boolean): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Kestrix | ${model} | LOGIN</title>
<link rel="stylesheet" href="/style/login.css">
</head>
<body>
<div class="login">
<h2>Login to the router</h2>
${failed ? '<div class="warn">User name or password is incorrect.</div>\n' : ''}<form method="post" action="/goform/login">
<input type="text" name="Username" placeholder="User Name">
<input type="password" name="Password" placeholder="Password">
<input type="submit" value="Log In">
</form>
</div>
</body>
</html>
`;
}

function modernSite(device: LabDevice, service: LabService): HttpSite {
  const style = styleOf(device);
  const model = identityOf(device).model;
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/goform/login') {
      const outcome = formLoginOutcome(request.body, 'Username', 'Password', service.credential);
      if (outcome === 'rejected') return { ...reply(style, 200, loginPage(model, true)), login: 'rejected' };
      return { ...withHeaders(redirect(style, '/index.asp'), [['Set-Cookie', `uid=${sessionToken(device.ip)}; path=/`]]), login: 'accepted' };
    }
    if (route === '/') return reply(style, 200, redirectPage);
    if (route === '/login.html') return reply(style, 200, loginPage(model, false));
    if (route === '/index.asp') {
      if (!hasSession(request, 'uid', device.ip)) return reply(style, 200, redirectPage);
      return reply(style, 200, `<html><head><title>Kestrix | ${model}</title></head><body><div id="status"></div></body></html>\n`);
    }
    return notFound(style, request);
  };
}

export const kestrix: VendorProfile = {
  vendor: 'Kestrix',
  share: 14,
  defaultCredentialId: 'on-003',
  models: [
    { model: 'KX-R300', deviceType: 'router', releaseYear: 2010, description: 'Wireless N 300 Router' },
    { model: 'KX-R600', deviceType: 'router', releaseYear: 2012, description: 'Wireless N 600 Router' },
    { model: 'KX-G100', deviceType: 'iot-gateway', releaseYear: 2014, description: 'Smart Home Gateway' },
    { model: 'KX-R850', deviceType: 'router', releaseYear: 2017, description: 'AC1200 Router' },
    { model: 'KX-G300', deviceType: 'iot-gateway', releaseYear: 2020, description: 'Zigbee Smart Home Gateway' },
    { model: 'KX-R1900', deviceType: 'router', releaseYear: 2023, description: 'AX1800 Router' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    const major = 1 + Math.floor((model.releaseYear - 2010) / 4);
    return firmwareDates(model).map((date, index) => ({
      date,
      version: `${major}.${pad(index * 2 + 1 + (seed % 2), 2)}B${pad(1 + ((seed >>> index) % 9), 2)}`,
    }));
  },
  hostname: () => 'kestrix',
  planServices({ model, firmware, openShell, random }) {
    if (isFirstGeneration(model.releaseYear)) {
      const services: ReturnType<VendorProfile['planServices']> = [
        { port: 80, protocol: 'http', auth: 'basic' },
        { port: 23, protocol: 'telnet', auth: openShell ? 'none' : 'login' },
      ];
      if (random.chance(0.25)) services.push({ port: 8080, protocol: 'http', auth: 'basic' });
      return services;
    }
    const services: ReturnType<VendorProfile['planServices']> = [{ port: 80, protocol: 'http', auth: 'form' }];
    if (random.chance(0.3)) services.push({ port: 22, protocol: 'ssh', auth: 'login', software: dropbearAt(firmware.date) });
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    return services;
  },
  telnet: (device) =>
    usernameConsole({ issue: '', failure: '\r\n% Access denied\r\n', welcome: busyboxWelcome(device.firmwareDate ?? '2012-01-01'), shellPrompt: '/ # ' }),
  http: (device, service) => (isFirstGeneration(identityOf(device).releaseYear) ? basicSite(device, service) : modernSite(device, service)),
};
