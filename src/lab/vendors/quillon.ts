/**
 * Quillon: home routers, in two firmware generations.
 * - Up to 2016 (GoAhead web server): every page is behind HTTP Basic auth whose realm
 *   names the product ("Quillon Wireless N Router QR-841N"); the firmware version is
 *   only printed by the telnet issue banner.
 * - From 2018: "/" redirects to a login page; the model and firmware are JavaScript
 *   variables there; telnet is gone, dropbear SSH and a vsftpd USB share are common.
 */
import { firmwareDates, identityOf, pad, yymmdd, yyyymmdd, type HttpSite, type ModelSpec, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { busyboxLogin, issueText } from './telnet-kit.ts';
import {
  basicAuthOutcome,
  challenge,
  customStyle,
  formLoginOutcome,
  goAheadStyle,
  hasSession,
  notFound,
  redirect,
  reply,
  routeOf,
  sessionToken,
  withHeaders,
} from './http-kit.ts';
import { dropbearAt, vsftpdAt } from './software.ts';
import { vsftpdPersona } from './ftp-kit.ts';
import type { LabDevice, LabService } from '../types.ts';

const isFirstGeneration = (releaseYear: number): boolean => releaseYear <= 2016;
const modernStyle = customStyle(undefined);

function modelSpec(model: string): ModelSpec {
  const spec = quillon.models.find((candidate) => candidate.model === model);
  if (!spec) throw new Error(`unknown Quillon model ${model}`);
  return spec;
}

function basicSite(device: LabDevice, service: LabService): HttpSite {
  const identity = identityOf(device);
  const realm = `Quillon ${modelSpec(identity.model).description} ${identity.model}`;
  return (request) => {
    const outcome = basicAuthOutcome(request, service.credential);
    if (outcome !== 'accepted') return challenge(goAheadStyle, realm, outcome);
    const route = routeOf(request);
    const answer =
      route === '/' || route === '/index.htm'
        ? reply(
            goAheadStyle,
            200,
            `<html><head><title>Quillon ${identity.model}</title></head>\n<frameset rows="90,*"><frame src="/userRpm/Banner.htm" name="topFrame"><frame src="/userRpm/StatusRpm.htm" name="mainFrame"></frameset>\n</html>\n`,
          )
        : notFound(goAheadStyle, request);
    return { ...answer, login: 'accepted' };
  };
}

function modernLoginPage(model: string, firmware: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quillon</title>
<link rel="stylesheet" href="/webpages/css/main.css">
<script type="text/javascript">
var modelName = "${model}";
var fwVersion = "${firmware}";
var hwVersion = "${model} v1.0";
</script>
<script type="text/javascript" src="/webpages/js/app.js"></script>
</head>
<body>
<div id="login-panel">
<form id="login-form" method="post" action="/webpages/login.cgi">
<input type="text" name="username" placeholder="Username" autocomplete="off">
<input type="password" name="password" placeholder="Local Password" autocomplete="off">
<button type="submit">Log In</button>
</form>
</div>
</body>
</html>
`;
}

function modernSite(device: LabDevice, service: LabService): HttpSite {
  const identity = identityOf(device);
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/webpages/login.cgi') {
      const outcome = formLoginOutcome(request.body, 'username', 'password', service.credential);
      if (outcome === 'rejected')
        return { ...reply(modernStyle, 200, '{"success":false,"errorcode":"login failed"}', [], 'application/json'), login: 'rejected' };
      return {
        ...withHeaders(reply(modernStyle, 200, '{"success":true}', [], 'application/json'), [
          ['Set-Cookie', `sysauth=${sessionToken(device.ip)}; path=/; HttpOnly`],
        ]),
        login: 'accepted',
      };
    }
    if (route === '/') return redirect(modernStyle, '/webpages/login.html');
    if (route === '/webpages/login.html') return reply(modernStyle, 200, modernLoginPage(identity.model, identity.firmwareVersion));
    if (route === '/webpages/index.html') {
      if (!hasSession(request, 'sysauth', device.ip)) return redirect(modernStyle, '/webpages/login.html');
      return reply(modernStyle, 200, '<!DOCTYPE html><html><head><title>Quillon</title></head><body><div id="main"></div></body></html>\n');
    }
    return notFound(modernStyle, request);
  };
}

export const quillon: VendorProfile = {
  vendor: 'Quillon',
  share: 18,
  defaultCredentialId: 'on-001',
  models: [
    { model: 'QR-841N', deviceType: 'router', releaseYear: 2010, description: 'Wireless N Router' },
    { model: 'QR-740N', deviceType: 'router', releaseYear: 2012, description: '150Mbps Wireless N Router' },
    { model: 'QR-940N', deviceType: 'router', releaseYear: 2014, description: '450Mbps Wireless N Router' },
    { model: 'QR-C20', deviceType: 'router', releaseYear: 2016, description: 'AC750 Dual Band Router' },
    { model: 'QR-C80', deviceType: 'router', releaseYear: 2018, description: 'AC1900 Dual Band Router' },
    { model: 'QR-AX10', deviceType: 'router', releaseYear: 2020, description: 'AX1500 Wi-Fi 6 Router' },
    { model: 'QR-AX55', deviceType: 'router', releaseYear: 2023, description: 'AX3000 Wi-Fi 6 Router' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    return firmwareDates(model).map((date, index) => {
      const release = pad((seed + index * 4241) % 100_000, 5);
      return isFirstGeneration(model.releaseYear)
        ? { date, version: `3.${13 + model.releaseYear - 2010}.${index + 1} Build ${yymmdd(date)} Rel.${release}n` }
        : { date, version: `1.${index}.${seed % 10} Build ${yyyymmdd(date)} rel.${release}` };
    });
  },
  hostname: (model) => model.model,
  planServices({ model, firmware, openShell, random }) {
    if (isFirstGeneration(model.releaseYear)) {
      return [
        { port: 80, protocol: 'http', auth: 'basic' },
        { port: 23, protocol: 'telnet', auth: openShell ? 'none' : 'login' },
      ];
    }
    const services: ReturnType<VendorProfile['planServices']> = [{ port: 80, protocol: 'http', auth: 'form' }];
    if (random.chance(0.5)) services.push({ port: 22, protocol: 'ssh', auth: 'login', software: dropbearAt(firmware.date) });
    if (random.chance(0.35)) services.push({ port: 21, protocol: 'ftp', auth: 'login', software: `vsFTPd ${vsftpdAt(firmware.date)}` });
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    return services;
  },
  telnet(device) {
    const identity = identityOf(device);
    const issue = isFirstGeneration(identity.releaseYear) ? issueText([`Quillon ${identity.model}`, `Firmware Version: ${identity.firmwareVersion}`]) : '';
    return busyboxLogin({ hostname: device.hostname ?? identity.model, issue, firmwareDate: device.firmwareDate ?? '2015-01-01', shellPrompt: '~ # ' });
  },
  http: (device, service) => (isFirstGeneration(identityOf(device).releaseYear) ? basicSite(device, service) : modernSite(device, service)),
  ftp: (device) => vsftpdPersona(vsftpdAt(device.firmwareDate ?? '2018-01-01')),
};
