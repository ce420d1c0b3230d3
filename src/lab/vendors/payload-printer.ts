/**
 * The web server of the lab's payload printer: an HP-style embedded web server whose
 * every answer carries payloads — the page title, the Server header (inside the model
 * name the HP rule captures) and the Basic realm. Every page sits behind Basic auth, so
 * the realm reaches a weak-credential finding's evidence, and the 401 page already has
 * the title a banner grab records.
 */
import { labPayload, payloadModel } from '../payloads.ts';
import type { LabDevice, LabService } from '../types.ts';
import { basicAuthOutcome, challenge, reply, type ServerStyle } from './http-kit.ts';
import { deviceNumber, pad, type HttpSite } from './profile.ts';

/** The product number HP prints after the model (a real-looking one, for no real product in particular). */
const productNumber = 'CE461A';
const serialAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/**
 * The Server header: HP's "HP HTTP Server; HP <product> - <number>; Serial Number: …; Built: …".
 * @example payloadPrinterServer('127.77.0.5') // 'HP HTTP Server; HP LaserJet <svg onload=window.__xss=3> - CE461A; Serial Number: CNB…'
 */
export function payloadPrinterServer(ip: string): string {
  let serial = 'CNB';
  let number = deviceNumber(ip, 'payload-printer-serial');
  for (let index = 0; index < 7; index++) {
    serial += serialAlphabet[number % serialAlphabet.length];
    number = Math.floor(number / serialAlphabet.length);
  }
  return `HP HTTP Server; HP ${payloadModel} - ${productNumber}; Serial Number: ${serial}; Built:Thu Mar 10, 2011 11:12:13 AM {LP1.GD.1103101112}`;
}

function page(heading: string, status: string): string {
  // The title goes out raw, as a device that echoes a configured name would send it.
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>${labPayload('http-title').text}</title>
</head>
<body>
<h1>${heading}</h1>
<p>${status}</p>
</body>
</html>
`;
}

/**
 * The printer's site: 401 with the payload realm until a login is accepted, then the status page.
 * @example payloadPrinterSite(device, device.services[0])({ method: 'GET', path: '/', headers: {}, body: '' }).status // 401
 */
export function payloadPrinterSite(device: LabDevice, service: LabService): HttpSite {
  const style: ServerStyle = {
    server: payloadPrinterServer(device.ip),
    sendDate: false,
    notFound: () => page('404 Not Found', 'The requested page was not found.'),
    unauthorized: () => page('401 Unauthorized', 'Sign in with the device password.'),
  };
  const realm = labPayload('http-realm').text;
  const pagesPrinted = 1000 + (deviceNumber(device.ip, 'payload-printer-pages') % 90_000);
  return (request) => {
    const outcome = basicAuthOutcome(request, service.credential);
    if (outcome !== 'accepted') return challenge(style, realm, outcome);
    return { ...reply(style, 200, page('Device Status', `Ready. Pages printed: ${pad(pagesPrinted, 6)}`)), login: 'accepted' };
  };
}
