/**
 * The made-up ACME echo protocol over UDP: the request is `ACME? <token>`, a device answers
 * `ACME! <token> model=<model>;firmware=<firmware>;open=<0|1>` followed by padding (its status
 * page), so its reply is larger than the request: a reflector. Pure encode and decode.
 */

export interface AcmeEchoReply {
  token: string;
  model: string;
  firmware: string;
  open: boolean;
}

/** @example encodeAcmeEchoRequest('a1b2c3d4') // Buffer 'ACME? a1b2c3d4' */
export function encodeAcmeEchoRequest(token: string): Buffer {
  return Buffer.from(`ACME? ${token}`, 'latin1');
}

/** @example decodeAcmeEchoRequest(Buffer.from('ACME? a1b2c3d4')) // 'a1b2c3d4' */
export function decodeAcmeEchoRequest(bytes: Buffer): string | undefined {
  return /^ACME\? ([0-9a-f]{8})$/.exec(bytes.toString('latin1'))?.[1];
}

/** @example encodeAcmeEchoReply({ token: 'a1b2c3d4', model: 'CAM-42', firmware: '2.3.1', open: true }, 200) */
export function encodeAcmeEchoReply(reply: AcmeEchoReply, padding: number): Buffer {
  return Buffer.from(`ACME! ${reply.token} model=${reply.model};firmware=${reply.firmware};open=${reply.open ? 1 : 0}\n${'.'.repeat(padding)}`, 'latin1');
}

/** The reply to the request with `token`, or undefined for anything else (another token, garbage). */
export function decodeAcmeEchoReply(bytes: Buffer, token: string): AcmeEchoReply | undefined {
  const match = /^ACME! ([0-9a-f]{8}) model=([^;\n]*);firmware=([^;\n]*);open=([01])\n/.exec(bytes.toString('latin1'));
  if (!match || match[1] !== token) return undefined;
  return { token, model: match[2]!, firmware: match[3]!, open: match[4] === '1' };
}
