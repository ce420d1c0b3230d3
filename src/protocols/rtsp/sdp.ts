/**
 * The few facts a survey keeps from a stream's session description (SDP, RFC 8866) that a
 * camera hands out to DESCRIBE: the session name (often the product's or the server's) and the
 * kinds of media with their encodings. Bounded: a hostile description cannot grow the result.
 */

export interface SdpFacts {
  /** `s=` line, when it says something ("-" and blanks are no name). */
  sessionName?: string;
  /** One entry per `m=` line: "video/H264", "audio/PCMA", or the media type alone when no encoding is named. */
  media: string[];
}

const maxLines = 256;
const maxMedia = 8;
const maxNameChars = 256;

/** Encodings of the static RTP payload types cameras use (RFC 3551), for `m=` lines without an rtpmap. */
const staticPayloadTypes: Readonly<Record<string, string>> = { '0': 'PCMU', '8': 'PCMA', '14': 'MPA', '26': 'JPEG', '32': 'MPV', '33': 'MP2T' };

/**
 * The facts of a session description, or undefined when the text is not one (no `v=` line first).
 * @example parseSdpFacts('v=0\r\ns=Media Presentation\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n')
 * // { sessionName: 'Media Presentation', media: ['video/H264'] }
 */
export function parseSdpFacts(text: string): SdpFacts | undefined {
  const lines = text.split(/\r?\n/, maxLines).map((line) => line.trim());
  const first = lines.findIndex((line) => line.length > 0);
  if (first < 0 || !/^v=\d+$/.test(lines[first])) return undefined;
  let sessionName: string | undefined;
  const media: Array<{ type: string; payloadType?: string; encoding?: string }> = [];
  for (const line of lines.slice(first + 1)) {
    if (line.startsWith('s=') && media.length === 0 && sessionName === undefined) {
      const name = printable(line.slice(2));
      if (name !== '' && name !== '-') sessionName = name.slice(0, maxNameChars);
    } else if (line.startsWith('m=')) {
      if (media.length >= maxMedia) break;
      const [type, , , payloadType] = line.slice(2).split(/\s+/);
      media.push({ type: token(type ?? '') || 'unknown', ...(payloadType !== undefined ? { payloadType } : {}) });
    } else if (line.startsWith('a=rtpmap:')) {
      const current = media.at(-1);
      const match = /^a=rtpmap:(\d+)\s+([^/\s]+)/.exec(line);
      if (current && match && match[1] === current.payloadType && current.encoding === undefined) current.encoding = token(match[2]);
    }
  }
  return {
    ...(sessionName !== undefined ? { sessionName } : {}),
    media: media.map(({ type, payloadType, encoding }) => {
      const name = encoding || (payloadType !== undefined ? staticPayloadTypes[payloadType] : undefined);
      return name ? `${type}/${name}` : type;
    }),
  };
}

function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '').trim();
}

function token(text: string): string {
  return text.replace(/[^A-Za-z0-9._+-]/g, '').slice(0, 32);
}
