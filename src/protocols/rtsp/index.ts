/**
 * RTSP/1.0 (RFC 2326): the streaming control of IP cameras, DVRs and NVRs. OPTIONS names the
 * server and its methods; DESCRIBE either asks for a login (its Basic or Digest realm often
 * names the product), or hands out the stream's description: an open camera.
 */
import { defineProtocol } from '../protocol.ts';
import { formatRtspRequest, looksLikeRtspReply, rtspUrl } from './codec.ts';
import { rtspChecker } from './credentials.ts';
import { grabRtsp, type RtspResult } from './grabber.ts';

export default defineProtocol<RtspResult>({
  name: 'rtsp',
  description: "cameras' streaming control: the Server header, methods and Basic/Digest realm name the camera; DESCRIBE shows whether its stream is open",
  transport: 'tcp',
  defaultPorts: [554],
  otherPorts: [8554],
  fields: {
    statusLine: 'text',
    status: 'number',
    path: 'text',
    server: 'text',
    publicMethods: 'list',
    auth: { scheme: 'text', realm: 'text' },
    authPath: 'text',
    wwwAuthenticate: 'text',
    sdp: { sessionName: 'text', media: 'list' },
  },
  fieldNotes: {
    statusLine: 'of the last answer (the last DESCRIBE, else OPTIONS)',
    path: 'path of the last DESCRIBE: `/`, or the common stream path that answered when `/` was not found',
    server: '`Server` header of the first answer that had one',
    publicMethods: '`Public` header of the OPTIONS answer (list: not matchable)',
    auth: '`auth.scheme` (`basic`, `digest`), `auth.realm`',
    authPath: 'path that answered 401 with the challenge',
    wwwAuthenticate: 'the challenge header(s) as sent, first 512 characters',
    sdp: 'a stream described without credentials: `sdp.sessionName`; `sdp.media` (list: not matchable)',
  },
  detect: {
    probe: {
      request: (target) => formatRtspRequest({ method: 'OPTIONS', url: rtspUrl(target, '/'), cseq: 1 }),
      matches: looksLikeRtspReply,
    },
  },
  grab: grabRtsp,
  credentials: rtspChecker,
});
