/**
 * Nexorra: home gateways and LTE/mesh routers built on an OpenWrt derivative
 * ("NexorraOS"). uhttpd sends no Server header; "/" is a meta-refresh page to LuCI,
 * whose title is "<hostname> - LuCI" (the host name is the model) and whose footer
 * names the OS build. dropbear is always on; early models shipped busybox telnetd,
 * some of them with no root password at all.
 */
import { firmwareDates, identityOf, type HttpSite, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { busyboxLogin, issueText } from './telnet-kit.ts';
import { formLoginOutcome, notFound, reply, routeOf, sessionToken, uhttpdStyle, withHeaders } from './http-kit.ts';
import { dropbearAt } from './software.ts';
import type { LabDevice, LabService } from '../types.ts';

const style = uhttpdStyle;

const refreshPage = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Cache-Control" content="no-cache" />
<meta http-equiv="refresh" content="0; URL=/cgi-bin/luci" />
</head>
<body style="background-color: white">
<a style="color: black; font-family: arial, helvetica, sans-serif;" href="/cgi-bin/luci">LuCI - Lua Configuration Interface</a>
</body>
</html>
`;

function loginPage(hostname: string, firmware: string, failed: boolean): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${hostname} - LuCI</title>
<meta name="viewport" content="initial-scale=1.0">
<link rel="stylesheet" href="/luci-static/nexorra/cascade.css">
</head>
<body class="lang_en">
<header><a class="brand" href="/">${hostname}</a></header>
<div id="maincontent">
<form method="post" action="/cgi-bin/luci">
<h2>Authorization Required</h2>
${failed ? '<div class="alert-message warning">Invalid username and/or password! Please try again.</div>\n' : ''}<div class="cbi-value"><label>Username</label><input class="cbi-input-text" type="text" name="luci_username" value="root" /></div>
<div class="cbi-value"><label>Password</label><input class="cbi-input-text" type="password" name="luci_password" /></div>
<input type="submit" value="Login" class="cbi-button cbi-button-apply" />
</form>
</div>
<footer>Powered by LuCI / NexorraOS ${firmware}</footer>
</body>
</html>
`;
}

function site(device: LabDevice, service: LabService): HttpSite {
  const identity = identityOf(device);
  const hostname = device.hostname ?? identity.model;
  return (request) => {
    const route = routeOf(request);
    if (route === '/' || route === '/index.html') return reply(style, 200, refreshPage);
    if (route === '/cgi-bin/luci' && request.method === 'POST') {
      const outcome = formLoginOutcome(request.body, 'luci_username', 'luci_password', service.credential);
      if (outcome === 'rejected') return { ...reply(style, 403, loginPage(hostname, identity.firmwareVersion, true)), login: 'rejected' };
      const token = sessionToken(device.ip);
      const location = `/cgi-bin/luci/;stok=${token}/admin/status/overview`;
      return {
        ...withHeaders(reply(style, 302, '', [['Location', location]]), [['Set-Cookie', `sysauth=${token}; path=/cgi-bin/luci/;stok=${token}; HttpOnly`]]),
        login: 'accepted',
      };
    }
    if (route === '/cgi-bin/luci') return reply(style, 200, loginPage(hostname, identity.firmwareVersion, false));
    return notFound(style, request);
  };
}

/** The OpenWrt-style banner /etc/banner prints when a shell starts. */
function shellBanner(firmware: string): string {
  const art = [
    ' _   _                                 ',
    '| \\ | | _____  _____  _ __ _ __ __ _  ',
    "|  \\| |/ _ \\ \\/ / _ \\| '__| '__/ _` | ",
    '| |\\  |  __/>  < (_) | |  | | | (_| | ',
    '|_| \\_|\\___/_/\\_\\___/|_|  |_|  \\__,_| ',
  ];
  return `${[...art, ' -----------------------------------------------------', ` NexorraOS ${firmware}`, ' -----------------------------------------------------', ''].join('\r\n')}\r\n`;
}

export const nexorra: VendorProfile = {
  vendor: 'Nexorra',
  share: 10,
  defaultCredentialId: 'on-004',
  models: [
    { model: 'NX-HG200', deviceType: 'iot-gateway', releaseYear: 2012, description: 'Home Gateway' },
    { model: 'NX-HG350', deviceType: 'iot-gateway', releaseYear: 2014, description: 'Home Gateway Plus' },
    { model: 'NX-LTE50', deviceType: 'router', releaseYear: 2016, description: '4G LTE Router' },
    { model: 'NX-HG500', deviceType: 'iot-gateway', releaseYear: 2019, description: 'Smart Home Gateway' },
    { model: 'NX-MESH6', deviceType: 'router', releaseYear: 2022, description: 'Mesh Wi-Fi 6 System' },
    { model: 'NX-HG700', deviceType: 'iot-gateway', releaseYear: 2025, description: 'Matter Home Gateway' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    const major = 1 + Math.floor((model.releaseYear - 2010) / 4);
    return firmwareDates(model).map((date, index) => ({ date, version: `${major}.${index}.0.${1 + ((seed >>> index) % 9)}_build${date.replaceAll('-', '')}` }));
  },
  hostname: (model) => model.model,
  planServices({ model, firmware, openShell }) {
    const services: ReturnType<VendorProfile['planServices']> = [
      { port: 80, protocol: 'http', auth: 'form' },
      { port: 22, protocol: 'ssh', auth: 'login', software: dropbearAt(firmware.date) },
    ];
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    else if (model.releaseYear <= 2015) services.push({ port: 23, protocol: 'telnet', auth: 'login' });
    return services;
  },
  telnet(device) {
    const identity = identityOf(device);
    const hostname = device.hostname ?? identity.model;
    const persona = busyboxLogin({ hostname, issue: issueText([]), firmwareDate: device.firmwareDate ?? '2014-01-01', shellPrompt: `root@${hostname}:~# ` });
    return { ...persona, welcome: persona.welcome + shellBanner(identity.firmwareVersion) };
  },
  http: site,
};
