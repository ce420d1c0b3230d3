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
  grab: createHttpGrabber().grab,
  credentials: httpAuthChecker,
});
