/**
 * Ardentel: DVRs, NVRs and cameras on Boa. "/" redirects to /login.htm, whose title is
 * the generic "WEB SERVICE"; brand, model and firmware are only in a JSON object the
 * login script reads. Telnet (busybox, "(none) login:") stays open on older firmware.
 */
import { rtspPersonas } from '../services/rtsp-personas.ts';
import { firmwareDates, identityOf, pad, type HttpSite, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { busyboxLogin } from './telnet-kit.ts';
import { boaStyle, formLoginOutcome, hasSession, notFound, redirect, reply, routeOf, sessionToken, withHeaders } from './http-kit.ts';
import { dropbearAt } from './software.ts';
import type { LabDevice, LabService } from '../types.ts';

const style = boaStyle;

function loginPage(model: string, firmware: string, webVersion: string, year: number): string {
  const deviceInfo = JSON.stringify({ Vendor: 'Ardentel', DeviceType: model, Version: firmware, WebVersion: webVersion });
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>WEB SERVICE</title>
<link rel="stylesheet" type="text/css" href="/css/base.css">
<script type="text/javascript">
var DevInfo = ${deviceInfo};
</script>
<script type="text/javascript" src="/jsBase/lib/jquery.js"></script>
<script type="text/javascript" src="/jsCore/login.js"></script>
</head>
<body class="login-bg">
<div class="login-main">
<form id="loginForm" method="post" action="/cgi-bin/login.cgi">
<div class="row"><label for="loginUser">Username</label><input type="text" id="loginUser" name="loginUser" maxlength="32"></div>
<div class="row"><label for="loginPass">Password</label><input type="password" id="loginPass" name="loginPass" maxlength="32"></div>
<div class="row"><input type="submit" class="btn" value="Login"></div>
</form>
</div>
<div class="footer">Copyright &copy; ${year} Ardentel Vision Technology Co., Ltd. All rights reserved.</div>
</body>
</html>
`;
}

function site(device: LabDevice, service: LabService): HttpSite {
  const identity = identityOf(device);
  const webVersion = `3.2.1.${(hashText(identity.firmwareVersion) % 900_000) + 100_000}`;
  const page = loginPage(identity.model, identity.firmwareVersion, webVersion, Number((device.firmwareDate ?? '2015').slice(0, 4)));
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/cgi-bin/login.cgi') {
      const outcome = formLoginOutcome(request.body, 'loginUser', 'loginPass', service.credential);
      if (outcome === 'rejected') return { ...redirect(style, '/login.htm?error=1'), login: 'rejected' };
      return { ...withHeaders(redirect(style, '/main.htm'), [['Set-Cookie', `DhSession=${sessionToken(device.ip)}; path=/`]]), login: 'accepted' };
    }
    if (route === '/') return redirect(style, '/login.htm');
    if (route === '/login.htm') return reply(style, 200, page);
    if (route === '/main.htm') {
      if (!hasSession(request, 'DhSession', device.ip)) return redirect(style, '/login.htm');
      return reply(style, 200, '<html><head><title>WEB SERVICE</title></head><body><div id="preview"></div></body></html>\n');
    }
    return notFound(style, request);
  };
}

export const ardentel: VendorProfile = {
  vendor: 'Ardentel',
  share: 16,
  rtsp: { persona: rtspPersonas.dahua, auth: 'digest' },
  defaultCredentialId: 'on-016',
  models: [
    { model: 'AR-HFW1320', deviceType: 'ip-camera', releaseYear: 2012, description: '3MP IR Bullet Network Camera' },
    { model: 'AR-XVR5104', deviceType: 'dvr', releaseYear: 2013, description: '4 Channel Penta-brid DVR' },
    { model: 'AR-NVR4108', deviceType: 'dvr', releaseYear: 2015, description: '8 Channel Network Video Recorder' },
    { model: 'AR-HDW2431', deviceType: 'ip-camera', releaseYear: 2018, description: '4MP Eyeball Network Camera' },
    { model: 'AR-NVR5216', deviceType: 'dvr', releaseYear: 2021, description: '16 Channel 4K Network Video Recorder' },
    { model: 'AR-IPC5842', deviceType: 'ip-camera', releaseYear: 2024, description: '8MP Turret Network Camera' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    return firmwareDates(model).map((date, index) => {
      const major = date < '2017' ? 2 : date < '2021' ? 3 : 4;
      return { date, version: `${major}.${400 + 20 * index + (seed % 3) * 10}.${pad((seed >>> 4) % 20, 4)}.${index + (seed % 5)}.R` };
    });
  },
  hostname: () => '(none)',
  planServices({ model, firmware, openShell, random }) {
    const services: ReturnType<VendorProfile['planServices']> = [{ port: 80, protocol: 'http', auth: 'form' }];
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    else if (model.releaseYear <= 2015) services.push({ port: 23, protocol: 'telnet', auth: 'login' });
    if (model.releaseYear >= 2018 && random.chance(0.3)) services.push({ port: 22, protocol: 'ssh', auth: 'login', software: dropbearAt(firmware.date) });
    return services;
  },
  telnet: (device) => busyboxLogin({ hostname: '(none)', issue: '', firmwareDate: device.firmwareDate ?? '2015-01-01', shellPrompt: '# ' }),
  http: site,
};
