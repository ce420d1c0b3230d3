/**
 * Velmora: a budget OEM of IP cameras and DVRs. Its web UI is one login page whose
 * title names only the brand; the model and firmware sit in JavaScript variables the
 * page's script reads. Older firmware keeps busybox telnetd open (also on 2323), with
 * a bare "IPCAM login:" prompt that says nothing about the device.
 */
import { rtspPersonas } from '../services/rtsp-personas.ts';
import { firmwareDates, identityOf, pad, yymmdd, type HttpSite, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { busyboxLogin } from './telnet-kit.ts';
import { formLoginOutcome, hasSession, miniHttpdStyle, notFound, redirect, reply, routeOf, sessionToken, withHeaders } from './http-kit.ts';
import type { LabDevice, LabService } from '../types.ts';

const style = miniHttpdStyle;

function loginPage(model: string, firmware: string, failed: boolean): string {
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Velmora WEB</title>
<link rel="stylesheet" type="text/css" href="/css/login.css" />
<script type="text/javascript">
var g_DevType = "${model}";
var g_SoftVer = "${firmware}";
var g_Lang = "English";
var g_LoginFailed = ${failed ? 1 : 0};
</script>
<script type="text/javascript" src="/js/login.js"></script>
</head>
<body onload="InitLogin()">
<div id="login_box">
<form name="frmLogin" method="post" action="/Login.htm">
<table class="login">
<tr><td class="label">User Name</td><td><input type="text" name="username" id="username" maxlength="31" /></td></tr>
<tr><td class="label">Password</td><td><input type="password" name="password" id="password" maxlength="31" /></td></tr>
<tr><td colspan="2"><input type="submit" class="btn" value="Login" /></td></tr>
</table>
</form>
</div>
</body>
</html>
`;
}

function site(device: LabDevice, service: LabService): HttpSite {
  const identity = identityOf(device);
  return (request) => {
    const route = routeOf(request);
    if (request.method === 'POST' && route === '/Login.htm') {
      const outcome = formLoginOutcome(request.body, 'username', 'password', service.credential);
      if (outcome === 'rejected') return { ...reply(style, 200, loginPage(identity.model, identity.firmwareVersion, true)), login: 'rejected' };
      return { ...withHeaders(redirect(style, '/main.htm'), [['Set-Cookie', `VSESSION=${sessionToken(device.ip)}; path=/`]]), login: 'accepted' };
    }
    if (route === '/' || route === '/index.html' || route === '/Login.htm')
      return reply(style, 200, loginPage(identity.model, identity.firmwareVersion, false));
    if (route === '/main.htm') {
      if (!hasSession(request, 'VSESSION', device.ip)) return redirect(style, '/');
      return reply(style, 200, `<html><head><title>Velmora WEB</title></head><body><div id="live">Live View</div></body></html>\n`);
    }
    return notFound(style, request);
  };
}

export const velmora: VendorProfile = {
  vendor: 'Velmora',
  share: 22,
  rtsp: { persona: rtspPersonas.hipcam, auth: 'basic' },
  defaultCredentialId: 'on-015',
  models: [
    { model: 'VM-IPC2130', deviceType: 'ip-camera', releaseYear: 2011, description: '720P HD IP Camera' },
    { model: 'VM-DVR5104H', deviceType: 'dvr', releaseYear: 2012, description: '4CH Hybrid DVR' },
    { model: 'VM-IPC2140S', deviceType: 'ip-camera', releaseYear: 2014, description: '1080P Dome IP Camera' },
    { model: 'VM-NVR6108E', deviceType: 'dvr', releaseYear: 2016, description: '8CH Network Video Recorder' },
    { model: 'VM-IPC3260W', deviceType: 'ip-camera', releaseYear: 2019, description: '3MP Wi-Fi IP Camera' },
    { model: 'VM-IPC3480X', deviceType: 'ip-camera', releaseYear: 2022, description: '4K Bullet IP Camera' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    return firmwareDates(model).map((date, index) => ({
      date,
      version: `V${date < '2018' ? 4 : 5}.${pad(2 + (index >> 1), 2)}.R${11 + index}.${pad((seed + index * 7919) % 100_000_000, 8)}.${10010 + 2 * index}.${yymmdd(date)}`,
    }));
  },
  hostname: (model) => (model.deviceType === 'dvr' ? 'DVR' : 'IPCAM'),
  planServices({ model, openShell, random }) {
    const services: Array<{ port: number; protocol: 'http' | 'telnet'; auth: 'form' | 'login' | 'none' }> = [{ port: 80, protocol: 'http', auth: 'form' }];
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    else if (model.releaseYear <= 2016) {
      services.push({ port: 23, protocol: 'telnet', auth: 'login' });
      if (random.chance(0.25)) services.push({ port: 2323, protocol: 'telnet', auth: 'login' });
    }
    return services;
  },
  telnet: (device) => busyboxLogin({ hostname: device.hostname ?? 'IPCAM', issue: '', firmwareDate: device.firmwareDate ?? '2015-01-01', shellPrompt: '# ' }),
  http: site,
};
