/** `--metrics-listen HOST:PORT` parsed: an IPv4 address or host name, or a bracketed IPv6 address, and a port. */
import { OpenNoticeError } from '../core/errors.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * @example parseListenAddress('127.0.0.1:9464') // { host: '127.0.0.1', port: 9464 }
 * @example parseListenAddress('[::1]:9464') // { host: '::1', port: 9464 }
 */
export function parseListenAddress(text: string, optionName = 'metrics-listen'): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535)
    throw new OpenNoticeError('USAGE', `--${optionName} must be HOST:PORT (e.g. 127.0.0.1:9464 or [::1]:9464), got "${text}"`);
  return { host: match[1] ?? match[2]!, port };
}
