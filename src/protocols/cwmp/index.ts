/**
 * TR-069 / CWMP: the connection-request HTTP server a CPE (home gateway, ONT) runs on 7547 for
 * its ISP's ACS. Its Server header names the embedded web server, RomPager 4.07 among them (the
 * Misfortune Cookie flaw, CVE-2014-9222), and the Digest realm often the vendor.
 */
import { defineProtocol } from '../protocol.ts';
import { connectionRequestProbe, isHttpReply } from './codec.ts';
import { type CwmpResult, grabCwmp } from './grabber.ts';

export default defineProtocol<CwmpResult>({
  name: 'cwmp',
  description: 'TR-069 connection-request server of home gateways; its Server header names the embedded web server (RomPager of Misfortune Cookie)',
  transport: 'tcp',
  defaultPorts: [7547],
  fields: { status: 'number', statusLine: 'text', server: 'text', auth: { scheme: 'text', realm: 'text' } },
  fieldNotes: {
    status: 'HTTP status of GET / (401 for most: the ACS must authenticate)',
    server: 'HTTP Server header, e.g. `RomPager/4.07 UPnP/1.0`',
    auth: '`auth.scheme` (`digest`, `basic`), `auth.realm` of the WWW-Authenticate challenge',
  },
  detect: { probe: { request: connectionRequestProbe, matches: isHttpReply, ownPortsOnly: true } },
  grab: grabCwmp,
});
