/**
 * HTTP/1.1: the device's web interface. The page title, headers (Server), body and the
 * Basic/Digest realm identify most cameras, routers and DVRs; a 401 challenge is a login the
 * checker tries the dictionary on. Redirects are followed only to addresses the scope allows.
 */
import { defineProtocol } from '../protocol.ts';
import { httpAuthChecker } from './credentials.ts';
import { createHttpGrabber, type HttpResult } from './grabber.ts';

export default defineProtocol<HttpResult>({
  name: 'http',
  description: "the device's web interface: title, headers, body and the Basic/Digest realm identify most cameras, routers and DVRs",
  transport: 'tcp',
  defaultPorts: [80, 8080],
  otherPorts: [81, 8000, 8081, 8888],
  fields: {
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
  },
  fieldNotes: {
    url: 'the page the grab ended on, after redirects',
    body: 'first 64 KiB, decoded by its charset',
    headers: 'one per response header, by its lower-case name; repeated headers joined with `, `',
    auth: '`auth.scheme` (`basic`, `digest`), `auth.realm`',
    authPath: 'path that answered 401 with the challenge',
    loginForm: 'the page has a password input',
    redirects: 'URLs followed (list: not matchable)',
  },
  grab: createHttpGrabber().grab,
  credentials: httpAuthChecker,
});
