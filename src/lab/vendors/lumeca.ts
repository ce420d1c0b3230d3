/**
 * Lumeca: office printers. The status page needs no login and names the model in its
 * title, but never the firmware: that only appears in the FTP greeting (BSD-ftpd style
 * "<model> FTP server (Version x) ready.", multi-line on newer models). Older printers
 * keep a "Username:" maintenance console on telnet.
 */
import { deviceNumber, firmwareDates, identityOf, type HttpSite, type VendorProfile } from './profile.ts';
import { hashText } from '../../core/random.ts';
import { usernameConsole } from './telnet-kit.ts';
import { notFound, redirect, reply, routeOf, thttpdStyle } from './http-kit.ts';
import { bsdFtpPersona } from './ftp-kit.ts';
import type { LabDevice } from '../types.ts';

const style = thttpdStyle;
const hasNewFrontEnd = (releaseYear: number): boolean => releaseYear >= 2016;

function statusPage(device: LabDevice): string {
  const identity = identityOf(device);
  const toner = 5 + (deviceNumber(device.ip, 'toner') % 95);
  const pages = 1000 + (deviceNumber(device.ip, 'pages') % 90_000);
  return `<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Lumeca ${identity.model}</title>
<link rel="stylesheet" href="/css/status.css">
</head>
<body>
<h1>${identity.model}</h1>
<table class="status">
<tr><th>Device Status</th><td>Ready</td></tr>
<tr><th>Toner (Black)</th><td>${toner}%</td></tr>
<tr><th>Paper Tray 1</th><td>OK</td></tr>
<tr><th>Page Counter</th><td>${pages}</td></tr>
</table>
<p><a href="/admin/">Administrator Login</a></p>
</body>
</html>
`;
}

function site(device: LabDevice): HttpSite {
  const modern = hasNewFrontEnd(identityOf(device).releaseYear);
  const statusPath = modern ? '/general/status.html' : '/';
  return (request) => {
    const route = routeOf(request);
    if (modern && route === '/') return redirect(style, statusPath);
    if (route === statusPath || route === '/index.html') return reply(style, 200, statusPage(device));
    return notFound(style, request);
  };
}

export const lumeca: VendorProfile = {
  vendor: 'Lumeca',
  share: 10,
  defaultCredentialId: 'on-005',
  models: [
    { model: 'LP-2040dn', deviceType: 'printer', releaseYear: 2010, description: 'Mono Laser Printer' },
    { model: 'LP-2260dw', deviceType: 'printer', releaseYear: 2013, description: 'Wireless Mono Laser Printer' },
    { model: 'LM-3350cdn', deviceType: 'printer', releaseYear: 2016, description: 'Color Laser Multifunction' },
    { model: 'LM-4100cdw', deviceType: 'printer', releaseYear: 2021, description: 'Color Laser Multifunction' },
    { model: 'LP-1800w', deviceType: 'printer', releaseYear: 2024, description: 'Compact Mono Laser Printer' },
  ],
  firmwareReleases(model) {
    const seed = hashText(model.model);
    const major = 1 + Math.floor((model.releaseYear - 2010) / 5);
    return firmwareDates(model).map((date, index) => ({ date, version: `${major}.${index}.${10 + (seed % 20) + index * 3}` }));
  },
  hostname: (_model, ip) => `LUM${(deviceNumber(ip, 'lumeca-mac') & 0xffffff).toString(16).toUpperCase().padStart(6, '0')}`,
  planServices({ model, openShell }) {
    const services: ReturnType<VendorProfile['planServices']> = [
      { port: 80, protocol: 'http', auth: 'none' },
      { port: 21, protocol: 'ftp', auth: 'login' },
    ];
    if (openShell) services.push({ port: 23, protocol: 'telnet', auth: 'none' });
    else if (model.releaseYear <= 2013) services.push({ port: 23, protocol: 'telnet', auth: 'login' });
    return services;
  },
  telnet(device) {
    const identity = identityOf(device);
    return usernameConsole({
      issue: `\r\nLumeca ${identity.model} Maintenance Console\r\n\r\n`,
      failure: '\r\nLogin failed.\r\n',
      welcome: '\r\nType "help" for a list of commands.\r\n',
      shellPrompt: 'lp> ',
    });
  },
  http: (device) => site(device),
  ftp(device) {
    const identity = identityOf(device);
    const ready = `FTP server (Version ${identity.firmwareVersion}) ready.`;
    return bsdFtpPersona(hasNewFrontEnd(identity.releaseYear) ? [`Lumeca ${identity.model}`, ready] : [`${identity.model} ${ready}`]);
  },
};
