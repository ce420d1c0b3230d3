/**
 * Building blocks for the simulated web servers: Basic and form logins, redirects and
 * the error pages of the server software that embedded devices ship.
 */
import type { LabCredential } from '../types.ts';
import { hashText } from '../../core/random.ts';
import type { HttpReply, HttpRequestInfo } from './profile.ts';

/** Error page and header habits of one web server implementation. */
export interface ServerStyle {
  /** Value of the Server header, or undefined when the server sends none. */
  server?: string;
  sendDate: boolean;
  notFound(path: string): string;
  unauthorized(): string;
}

export const goAheadStyle: ServerStyle = {
  server: 'GoAhead-Webs',
  sendDate: false,
  notFound: (path) =>
    `<html><head><title>Document Error: Not Found</title></head>\r\n\t\t<body><h2>Access Error: Not Found</h2>\r\n\t\t<p>Cannot open URL ${escapeHtml(path)}</p></body></html>\r\n\r\n`,
  unauthorized: () =>
    '<html><head><title>Document Error: Unauthorized</title></head>\r\n\t\t<body><h2>Access Error: Unauthorized</h2>\r\n\t\t<p>Access to this document requires a User ID</p></body></html>\r\n\r\n',
};

export const boaStyle: ServerStyle = {
  server: 'Boa/0.94.14rc21',
  sendDate: true,
  notFound: (path) =>
    `<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL ${escapeHtml(path)} was not found on this server.\n</BODY></HTML>\n`,
  unauthorized: () =>
    '<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD>\n<BODY><H1>401 Unauthorized</H1>\nYour client does not have permission to get URL from this server.\n</BODY></HTML>\n',
};

/** @example lighttpdStyle('lighttpd/1.4.35').server // 'lighttpd/1.4.35' */
export function lighttpdStyle(server: string): ServerStyle {
  return {
    server,
    sendDate: true,
    notFound: () =>
      '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n         "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n </body>\n</html>\n',
    unauthorized: () => '<html><head><title>401 Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>\n',
  };
}

export const miniHttpdStyle: ServerStyle = {
  server: 'mini_httpd/1.19 19dec2003',
  sendDate: true,
  notFound: () =>
    '<HTML>\n<HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY BGCOLOR="#cc9999" TEXT="#000000" LINK="#2020ff" VLINK="#4040cc">\n<H4>404 Not Found</H4>\nFile not found.\n<HR>\n<ADDRESS><A HREF="http://www.acme.com/software/mini_httpd/">mini_httpd/1.19 19dec2003</A></ADDRESS>\n</BODY>\n</HTML>\n',
  unauthorized: () => '<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD><BODY><H4>401 Unauthorized</H4>Authorization required.</BODY></HTML>\n',
};

export const thttpdStyle: ServerStyle = {
  server: 'thttpd/2.25b 29dec2003',
  sendDate: true,
  notFound: (path) =>
    `<HTML>\n<HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY BGCOLOR="#cc9999"><H2>404 Not Found</H2>\nThe requested URL '${escapeHtml(path)}' was not found on this server.\n</BODY>\n</HTML>\n`,
  unauthorized: () => '<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD><BODY><H2>401 Unauthorized</H2></BODY></HTML>\n',
};

/** OpenWrt's uhttpd: no Server header, terse error pages. */
export const uhttpdStyle: ServerStyle = {
  server: undefined,
  sendDate: false,
  notFound: () => '<h1>Not Found</h1>The requested URL was not found on this server.',
  unauthorized: () => '<h1>Unauthorized</h1>Authorization required.',
};

/**
 * A server with a custom Server string but otherwise plain habits.
 * @example customStyle('Linux, HTTP/1.1, KX-R300 Ver 1.04B05').server
 */
export function customStyle(server: string | undefined, sendDate = false): ServerStyle {
  return {
    server,
    sendDate,
    notFound: () => '<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n',
    unauthorized: () => '<html><head><title>401 Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>\n',
  };
}

/** Path without query string or fragment, for routing. @example routeOf({ ...request, path: '/a.js?v=1' }) // '/a.js' */
export function routeOf(request: HttpRequestInfo): string {
  const end = request.path.search(/[?#]/);
  return end === -1 ? request.path : request.path.slice(0, end);
}

/** A reply in the server's style (Server header, Date habit). @example reply(boaStyle, 200, '<html></html>') */
export function reply(style: ServerStyle, status: number, body: string, extraHeaders: Array<[string, string]> = [], contentType = 'text/html'): HttpReply {
  const headers: Array<[string, string]> = [];
  if (style.server) headers.push(['Server', style.server]);
  if (body !== '' || status === 200) headers.push(['Content-Type', contentType]);
  headers.push(...extraHeaders);
  return { status, headers, body, sendDate: style.sendDate };
}

/** @example redirect(boaStyle, '/login.htm').status // 302 */
export function redirect(style: ServerStyle, location: string, status = 302): HttpReply {
  const body = `<html><head><title>${status} Found</title></head><body>The document has moved <a href="${escapeHtml(location)}">here</a>.</body></html>\n`;
  return reply(style, status, body, [['Location', location]]);
}

/** The same reply with more headers (Set-Cookie after a login, …). @example withHeaders(answer, [['Set-Cookie', 'a=b']]) */
export function withHeaders(answer: HttpReply, headers: Array<[string, string]>): HttpReply {
  return { ...answer, headers: [...answer.headers, ...headers] };
}

/** @example notFound(goAheadStyle, request).status // 404 */
export function notFound(style: ServerStyle, request: HttpRequestInfo): HttpReply {
  return reply(style, 404, style.notFound(routeOf(request)));
}

/**
 * Check an Authorization: Basic header against the one accepted credential.
 * @example basicAuthOutcome({ ...request, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }, { username: 'admin', password: 'admin' }) // 'accepted'
 */
export function basicAuthOutcome(request: HttpRequestInfo, credential: LabCredential | undefined): 'missing' | 'accepted' | 'rejected' {
  const header = request.headers.authorization;
  if (!header) return 'missing';
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match || !credential) return 'rejected';
  const decoded = Buffer.from(match[1]!, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon === -1) return 'rejected';
  const accepted = decoded.slice(0, colon) === credential.username && decoded.slice(colon + 1) === credential.password;
  return accepted ? 'accepted' : 'rejected';
}

/** 401 with a Basic challenge, in the server's own style. @example challenge(goAheadStyle, 'KX-R300', 'missing').status // 401 */
export function challenge(style: ServerStyle, realm: string, outcome: 'missing' | 'rejected'): HttpReply {
  const answer = reply(style, 401, style.unauthorized(), [['WWW-Authenticate', `Basic realm="${realm}"`]]);
  return outcome === 'rejected' ? { ...answer, login: 'rejected' } : answer;
}

/**
 * Check a submitted login form (application/x-www-form-urlencoded).
 * @example formLoginOutcome('username=admin&password=admin', 'username', 'password', credential) // 'accepted'
 */
export function formLoginOutcome(body: string, userField: string, passwordField: string, credential: LabCredential | undefined): 'accepted' | 'rejected' {
  const fields = new URLSearchParams(body);
  if (!credential) return 'rejected';
  return fields.get(userField) === credential.username && fields.get(passwordField) === credential.password ? 'accepted' : 'rejected';
}

/** The session cookie value a device hands out after a form login (stable per device). @example sessionToken('127.77.0.5').length // 16 */
export function sessionToken(ip: string): string {
  return hashText(`session|${ip}`).toString(16).padStart(8, '0') + hashText(`token|${ip}`).toString(16).padStart(8, '0');
}

/** @example hasSession({ ...request, headers: { cookie: `uid=${sessionToken(ip)}` } }, 'uid', ip) // true */
export function hasSession(request: HttpRequestInfo, cookieName: string, ip: string): boolean {
  const cookies = request.headers.cookie ?? '';
  return cookies.split(';').some((part) => part.trim() === `${cookieName}=${sessionToken(ip)}`);
}

/** @example escapeHtml('<a>') // '&#60;a&#62;' */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
