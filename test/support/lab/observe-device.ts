/**
 * What an unauthenticated observer (a banner grab) sees of each lab device, computed
 * from the same personas the servers use, in the grab-result shapes of the grabbers'
 * contract. Tests use it to check fingerprint rules against every generated device
 * without opening a socket; a live test checks the servers send the same text.
 */
import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { GrabResult, ServiceObservation } from '../../../src/core/records.ts';
import { slowSenderText } from '../../../src/lab/services/hostile.ts';
import { sshIdentification } from '../../../src/lab/services/ssh-server.ts';
import type { LabDevice, LabService } from '../../../src/lab/types.ts';
import { personasOf } from '../../../src/lab/personas.ts';
import { enipPersonaOf, modbusPersonaOf } from '../../../src/lab/critical/ics-a.ts';
import { observeIcsB } from './observe-ics-b.ts';
import { vendorProfile } from '../../../src/lab/vendors/index.ts';
import type { HttpReply, HttpSite } from '../../../src/lab/vendors/profile.ts';
import { DO, DONT, IAC, WILL, WONT } from '../../../src/protocols/telnet/codec.ts';

/** Redirect hops a grab follows (3xx), and HTML (meta refresh / script) hops among them. */
const maxRedirects = 3;
const maxHtmlRedirects = 1;

/**
 * Observations of every service of a device, as a survey's grab stage would record them.
 * @example observeDevice(device).find((o) => o.protocol === 'http')?.result.title
 */
export function observeDevice(device: LabDevice): ServiceObservation[] {
  return device.services.map((service) => ({
    ip: device.ip,
    port: service.port,
    protocol: service.protocol,
    status: 'success',
    result: observeService(device, service),
    durationMs: 0,
    observedAt: '2025-10-31T00:00:00.000Z',
  }));
}

/** @example observeService(device, device.services[0]).banner */
export function observeService(device: LabDevice, service: LabService): GrabResult {
  if (device.role === 'hostile') return observeHostile(device, service);
  if (service.protocol === 'modbus' || service.protocol === 'enip') return observeCritical(device, service.protocol);
  const critical = observeIcsB(device, service);
  if (critical) return critical;
  const vendor = personasOf(device);
  switch (service.protocol) {
    case 'telnet': {
      const persona = vendor.telnet!(device, service);
      const openShell = service.auth === 'none';
      const beforePrompt = persona.issue + (openShell ? persona.welcome : '');
      const prompt = (openShell ? persona.shellPrompt : persona.loginPrompt).trim();
      return { banner: printable(beforePrompt), prompt, promptKind: openShell ? 'shell' : 'login', negotiation: negotiationOf(persona.negotiation) };
    }
    case 'http':
      return observeSite(vendor.http!(device, service), `http://${device.ip}${service.port === 80 ? '' : `:${service.port}`}`);
    case 'https':
      // The same site over TLS; the certificate facts a grab adds are not predicted here.
      return observeSite(vendor.http!(device, service), `https://${device.ip}${service.port === 443 ? '' : `:${service.port}`}`);
    case 'mqtt':
    case 'mqtts': {
      const open = service.auth === 'none';
      return {
        protocolLevel: 4,
        returnCode: open ? 0 : 5,
        returnMeaning: open ? 'accepted' : 'not-authorized',
        anonymousAccepted: open,
        sessionPresent: false,
      };
    }
    case 'upnp': {
      const identity = device.identity!;
      return {
        descriptionPath: '/rootDesc.xml',
        manufacturer: identity.vendor,
        modelName: identity.model,
        modelNumber: identity.model,
        friendlyName: `${identity.vendor} ${identity.model}`,
        firmware: identity.firmwareVersion,
      };
    }
    case 'cwmp':
      return { status: 401, statusLine: 'HTTP/1.1 401 Unauthorized', server: 'RomPager/4.07 UPnP/1.0', auth: { scheme: 'digest', realm: 'IgdAuthentication' } };
    case 'adb':
      return service.auth === 'none' ? { state: 'open', systemType: 'device', productModel: device.identity?.model } : { state: 'auth-required' };
    case 'rtsp': {
      const rtsp = vendorProfile(device.identity?.vendor ?? '').rtsp;
      const persona = rtsp?.persona;
      const open = service.auth === 'none';
      return {
        status: open ? 200 : 401,
        ...(persona?.server ? { server: persona.server } : {}),
        ...(open ? {} : { auth: { scheme: service.auth === 'digest' ? 'digest' : 'basic', realm: persona?.realm } }),
      };
    }
    case 'ftp': {
      const greeting = vendor.ftp!(device, service).greeting;
      return { banner: ftpText(greeting), code: 220 };
    }
    case 'ssh':
      return sshResult(sshIdentification(service));
    case 's7':
    case 'iec104':
    case 'fox':
      throw new Error(`${device.ip}: ${service.protocol} is observed by observeIcsB`);
  }
}

/**
 * Follow redirects like an HTTP grab does and describe the final page.
 * @example observeSite(vendorProfile('Storix').http!(device, service), 'http://127.77.0.5:8080').title // 'Storix SXN-420'
 */
export function observeSite(site: HttpSite, origin: string): GrabResult {
  let path = '/';
  const redirects: string[] = [];
  let auth: { scheme: string; realm?: string } | undefined;
  let htmlHops = 0;
  let reply: HttpReply = site({ method: 'GET', path, headers: { host: new URL(origin).host }, body: '' });
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const challenge = header(reply, 'www-authenticate');
    if (reply.status === 401 && challenge) auth = parseChallenge(challenge);
    let next: string | undefined;
    if (reply.status >= 300 && reply.status < 400) next = header(reply, 'location');
    else if (reply.status === 200 && htmlHops < maxHtmlRedirects) {
      next = htmlRedirect(reply.body);
      if (next) htmlHops++;
    }
    if (!next || hop === maxRedirects) break;
    const target = new URL(next, `${origin}${path}`);
    redirects.push(target.href);
    path = target.pathname + target.search;
    reply = site({ method: 'GET', path, headers: { host: target.host }, body: '' });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of reply.headers) headers[name.toLowerCase()] = headers[name.toLowerCase()] ? `${headers[name.toLowerCase()]}, ${value}` : value;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(reply.body)?.[1];
  const result: GrabResult = {
    url: `${origin}${path}`,
    status: reply.status,
    statusLine: `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`,
    headers,
    body: reply.body,
    bodyLength: Buffer.byteLength(reply.body, 'latin1'),
    bodySha256: createHash('sha256').update(Buffer.from(reply.body, 'latin1')).digest('hex'),
    redirects,
    loginForm: /<input[^>]*type=["']?password/i.test(reply.body),
  };
  if (title !== undefined) result.title = decodeEntities(title).replace(/\s+/g, ' ').trim();
  if (auth) result.auth = auth;
  return result;
}

function observeHostile(device: LabDevice, service: LabService): GrabResult {
  switch (device.hostileBehaviour) {
    case 'slow-sender':
      return {
        banner: printable(slowSenderText)
          .replace(/login:$/, '')
          .trim(),
        prompt: 'login:',
        promptKind: 'login',
        negotiation: { do: [], will: [], dont: [], wont: [] },
      };
    case 'endless-banner':
      return service.protocol === 'http'
        ? {
            url: `http://${device.ip}:${service.port}/`,
            status: 200,
            statusLine: 'HTTP/1.1 200 OK',
            headers: { 'x-padding-0': 'x'.repeat(64) },
            body: '',
            bodyLength: 0,
            redirects: [],
          }
        : {
            banner: 'System is booting, please wait ...\n'.repeat(20).trim(),
            prompt: '',
            promptKind: 'none',
            negotiation: { do: [], will: [], dont: [], wont: [] },
          };
    default:
      return service.protocol === 'http'
        ? { url: `http://${device.ip}/`, status: 0, statusLine: '', headers: {}, body: '', bodyLength: 0, redirects: [] }
        : { banner: '', prompt: '', promptKind: 'none', negotiation: { do: [], will: [], dont: [], wont: [] } };
  }
}

function header(reply: HttpReply, name: string): string | undefined {
  return reply.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

function parseChallenge(value: string): { scheme: string; realm?: string } {
  const scheme = value.trim().split(/\s+/)[0]!.toLowerCase();
  const realm = /realm="([^"]*)"/i.exec(value)?.[1];
  return realm === undefined ? { scheme } : { scheme, realm };
}

/**
 * A meta refresh or a simple `location.href = "…"` script, as embedded login pages use.
 * @example htmlRedirect('<meta http-equiv="refresh" content="0; URL=/cgi-bin/luci" />') // '/cgi-bin/luci'
 */
export function htmlRedirect(body: string): string | undefined {
  const meta = /<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["']?\s*\d+\s*;\s*url=['"]?([^"'>\s]+)/i.exec(body);
  if (meta) return meta[1];
  return /(?:window\.|top\.|document\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']/i.exec(body)?.[1];
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&copy;/g, '©');
}

/** Telnet text as the grab contract keeps it: CR/LF normalised to \n, control bytes dropped, trimmed. */
function printable(text: string): string {
  return text
    .replace(/\r\n|\r\0|\r/g, '\n')
    .replace(/[^\n\x20-\x7e]/g, '')
    .trim();
}

function ftpText(greeting: string): string {
  return greeting
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\d{3}[ -]?/, ''))
    .join('\n');
}

function sshResult(version: string): GrabResult {
  const [, protocolVersion = '', rest = ''] = /^SSH-([^-]+)-(.*)$/.exec(version) ?? [];
  const space = rest.indexOf(' ');
  const result: GrabResult = { version, protocolVersion, software: space === -1 ? rest : rest.slice(0, space) };
  if (space !== -1) result.comment = rest.slice(space + 1);
  return result;
}

function negotiationOf(bytes: Buffer): { do: number[]; will: number[]; dont: number[]; wont: number[] } {
  const seen = { do: [] as number[], will: [] as number[], dont: [] as number[], wont: [] as number[] };
  for (let index = 0; index + 2 < bytes.length; index += 3) {
    if (bytes[index] !== IAC) continue;
    const option = bytes[index + 2]!;
    const command = bytes[index + 1];
    if (command === DO) seen.do.push(option);
    else if (command === WILL) seen.will.push(option);
    else if (command === DONT) seen.dont.push(option);
    else if (command === WONT) seen.wont.push(option);
  }
  return seen;
}

/** What the Modbus and EtherNet/IP grabs record of the lab's critical devices (src/lab/critical). */
function observeCritical(device: LabDevice, protocol: 'modbus' | 'enip'): GrabResult {
  switch (protocol) {
    case 'modbus': {
      const persona = modbusPersonaOf(device)!;
      const regular = persona.modelName !== undefined || persona.productName !== undefined || persona.vendorUrl !== undefined;
      return {
        identification: 'answered',
        unitId: persona.behaviour === 'gateway' ? 255 : 0,
        conformityLevel: regular ? 2 : 1,
        vendorName: persona.vendorName,
        productCode: persona.productCode,
        revision: persona.revision,
        ...(persona.vendorUrl ? { vendorUrl: persona.vendorUrl } : {}),
        ...(persona.productName ? { productName: persona.productName } : {}),
        ...(persona.modelName ? { modelName: persona.modelName } : {}),
      };
    }
    case 'enip': {
      const persona = enipPersonaOf(device)!;
      return {
        vendorId: persona.vendorId,
        deviceType: persona.deviceType,
        productCode: persona.productCode,
        revision: `${persona.revision[0]}.${String(persona.revision[1]).padStart(2, '0')}`,
        serialNumber: persona.serialNumber.toString(16).padStart(8, '0'),
        productName: persona.productName,
        state: 3,
      };
    }
  }
}
