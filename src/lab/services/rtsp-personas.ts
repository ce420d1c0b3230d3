/**
 * How the RTSP servers of common camera families present themselves, from what they are
 * publicly documented and logged to send: Dahua's "Rtsp Server/3.0" with a "Login to <serial>"
 * Digest realm, Hikvision's server that sends no Server header and wants a login even for
 * OPTIONS, HiSilicon "Hipcam" boards' "HiIpcam … VodServer", and live555-based servers. The
 * lab's cameras answer with these strings, so that fingerprint rules meet what they would meet
 * on the internet. Serial numbers are invented; session names only illustrate such text.
 */

export interface RtspPersona {
  /** The family the strings come from. */
  family: 'dahua' | 'hikvision' | 'hipcam' | 'live555';
  /** `Server` header; absent when the family sends none. */
  server?: string;
  /** `Public` header of the OPTIONS answer. */
  publicMethods: readonly string[];
  /** Realm of the Basic and Digest challenges. */
  realm: string;
  /** OPTIONS is refused without a login too (401), as on Hikvision. */
  optionsNeedAuth: boolean;
  /** Paths the main stream is described on (cameras that want a login also answer "/"). */
  streamPaths: readonly string[];
  /** `s=` of the stream's description. */
  sessionName: string;
  /** Failed logins after which the camera hangs up the connection (the checker must dial again); 0 for never. */
  maxFailuresPerConnection: number;
}

const fullMethods = ['OPTIONS', 'DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'RECORD', 'PAUSE', 'TEARDOWN', 'SET_PARAMETER', 'GET_PARAMETER'];
const playerMethods = ['OPTIONS', 'DESCRIBE', 'SETUP', 'TEARDOWN', 'PLAY', 'PAUSE', 'GET_PARAMETER', 'SET_PARAMETER'];

export const rtspPersonas: { readonly [family in RtspPersona['family']]: RtspPersona } = {
  dahua: {
    family: 'dahua',
    server: 'Rtsp Server/3.0',
    publicMethods: fullMethods,
    realm: 'Login to 5J03E9APAZ4C1D7',
    optionsNeedAuth: false,
    streamPaths: ['/', '/cam/realmonitor?channel=1&subtype=0'],
    sessionName: 'Media Server',
    maxFailuresPerConnection: 0,
  },
  hikvision: {
    family: 'hikvision',
    publicMethods: playerMethods,
    realm: 'Hikvision',
    optionsNeedAuth: true,
    streamPaths: ['/', '/Streaming/Channels/101'],
    sessionName: 'Media Presentation',
    maxFailuresPerConnection: 0,
  },
  hipcam: {
    family: 'hipcam',
    server: 'HiIpcam/V100R003 VodServer/1.0.0',
    publicMethods: ['OPTIONS', 'DESCRIBE', 'SETUP', 'TEARDOWN', 'PLAY', 'PAUSE'],
    realm: 'HipcamRealServer',
    optionsNeedAuth: false,
    streamPaths: ['/', '/11'],
    sessionName: 'IP Camera Video',
    maxFailuresPerConnection: 2,
  },
  live555: {
    family: 'live555',
    server: 'LIVE555 Streaming Media v2016.11.28',
    publicMethods: playerMethods,
    realm: 'LIVE555 Streaming Media',
    optionsNeedAuth: false,
    streamPaths: ['/live'],
    sessionName: 'Session streamed by "live"',
    maxFailuresPerConnection: 0,
  },
};

/**
 * The session description a camera of `persona` hands out for its main stream: H.264 video and G.711 audio.
 * @example cameraSdp(rtspPersonas.dahua) // "v=0\r\no=- … s=Media Server …"
 */
export function cameraSdp(persona: RtspPersona): string {
  return [
    'v=0',
    'o=- 1700000000000000 1 IN IP4 0.0.0.0',
    `s=${persona.sessionName}`,
    't=0 0',
    'a=control:*',
    'm=video 0 RTP/AVP 96',
    'a=rtpmap:96 H264/90000',
    'a=control:trackID=0',
    'm=audio 0 RTP/AVP 8',
    'a=rtpmap:8 PCMA/8000',
    'a=control:trackID=1',
    '',
  ].join('\r\n');
}
