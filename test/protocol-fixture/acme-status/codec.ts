/**
 * A made-up "ACME status" protocol, to prove that a protocol is one folder: on connect the
 * device sends one line, `ACME-STATUS/1 model=CAM-42 firmware=2.3.1 login=required`; a client
 * may answer `LOGIN user password` and gets `OK` or `DENIED`. Pure encoding and decoding,
 * used by the grabber, the checker and the test's device alike.
 */

export interface AcmeGreeting {
  model: string;
  firmware: string;
  loginRequired: boolean;
}

/**
 * @example parseGreeting('ACME-STATUS/1 model=CAM-42 firmware=2.3.1 login=required') // { model: 'CAM-42', firmware: '2.3.1', loginRequired: true }
 */
export function parseGreeting(line: string): AcmeGreeting | undefined {
  const match = /^ACME-STATUS\/1 model=(\S+) firmware=(\S+) login=(required|none)$/.exec(line.trim());
  return match ? { model: match[1]!, firmware: match[2]!, loginRequired: match[3] === 'required' } : undefined;
}

export function formatGreeting(greeting: AcmeGreeting): string {
  return `ACME-STATUS/1 model=${greeting.model} firmware=${greeting.firmware} login=${greeting.loginRequired ? 'required' : 'none'}\r\n`;
}

export function formatLogin(username: string, password: string): string {
  return `LOGIN ${username} ${password}\r\n`;
}

export function parseLogin(line: string): { username: string; password: string } | undefined {
  const match = /^LOGIN (\S*) (\S*)$/.exec(line.trim());
  return match ? { username: match[1]!, password: match[2]! } : undefined;
}

/** The first complete line of `bytes`, or undefined while it is incomplete. */
export function firstLine(bytes: Buffer): string | undefined {
  const end = bytes.indexOf('\n');
  return end < 0 ? undefined : bytes.subarray(0, end).toString('latin1').replace(/\r$/, '');
}
