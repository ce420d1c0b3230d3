/**
 * HTTP/1.1, plain and over TLS: the device's web interface. The page title, headers (Server),
 * body and the Basic/Digest realm identify most cameras, routers and DVRs; over TLS the
 * certificate (subject, issuer, names, serial, validity, key) adds evidence — self-signed ones
 * are read like any other. A 401 challenge is a login the checker tries the dictionary on.
 * Redirects are followed only to addresses the scope allows, on the grab's own scheme.
 */
import { defineProtocol, type FieldsOf, type ProtocolDetection } from '../protocol.ts';
import { createHttpAuthChecker } from './credentials.ts';
import { createHttpGrabber, type HttpResult } from './grabber.ts';
import { buildGetRequest } from './codec.ts';
import { hostHeader } from './exchange.ts';

const fields: FieldsOf<HttpResult> = {
  url: 'text',
  status: 'number',
  statusLine: 'text',
  headers: 'header-map',
  title: 'text',
  body: 'text',
  bodyLength: 'number',
  bodySha256: 'text',
  auth: { scheme: 'text', realm: 'text' },
  authPath: 'text',
  loginForm: 'boolean',
  redirects: 'list',
  tls: {
    version: 'text',
    subject: 'text',
    subjectCommonName: 'text',
    issuer: 'text',
    issuerCommonName: 'text',
    san: 'list',
    serialNumber: 'text',
    validFrom: 'text',
    validTo: 'text',
    fingerprintSha256: 'text',
    selfSigned: 'boolean',
    publicKey: 'text',
  },
};

const fieldNotes = {
  url: 'the page the grab ended on, after redirects',
  body: 'first 64 KiB, decoded by its charset',
  headers: 'one per response header, by its lower-case name; repeated headers joined with `, `',
  auth: '`auth.scheme` (`basic`, `digest`), `auth.realm`',
  authPath: 'path that answered 401 with the challenge',
  loginForm: 'the page has a password input',
  redirects: 'URLs followed (list: not matchable)',
  tls: 'HTTPS only: `tls.subject`, `tls.issuer` (and their common names), `tls.serialNumber`, validity, `tls.publicKey`, `tls.selfSigned`',
};

/** One GET / (no login, no form), answered by any HTTP server with a status line. */
function detection(scheme: 'http' | 'https'): ProtocolDetection {
  return {
    probe: {
      request: (target) => buildGetRequest({ path: '/', host: hostHeader(target, scheme), userAgent: 'opennotice-survey' }),
      matches: (reply) => /^HTTP\/1\.[01] \d{3}[ \r]/.test(reply.subarray(0, 16).toString('latin1')),
    },
  };
}

export const http = defineProtocol<HttpResult>({
  name: 'http',
  description: "the device's web interface: title, headers, body and the Basic/Digest realm identify most cameras, routers and DVRs",
  transport: 'tcp',
  defaultPorts: [80, 8080],
  otherPorts: [81, 8000, 8081, 8888],
  fields,
  fieldNotes,
  detect: detection('http'),
  grab: createHttpGrabber().grab,
  credentials: createHttpAuthChecker('http'),
});

export const https = defineProtocol<HttpResult>({
  name: 'https',
  description: 'the web interface over TLS, as most current devices serve it; the certificate is kept as evidence',
  transport: 'tls',
  defaultPorts: [443, 8443],
  fields,
  fieldNotes,
  rulesOf: 'http',
  detect: detection('https'),
  grab: createHttpGrabber({ scheme: 'https' }).grab,
  credentials: createHttpAuthChecker('https'),
});

export default http;
