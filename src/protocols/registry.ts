import type { Grabber } from './grab.ts';
import ftp from './ftp/grabber.ts';
import http from './http/grabber.ts';
import ssh from './ssh/grabber.ts';
import telnet from './telnet/grabber.ts';

/**
 * Every grabber opennotice ships, in one place (no discovery from the file system).
 * The order decides which grabber owns a port listed by two of them: first wins.
 */
export const grabbers: readonly Grabber[] = [telnet, http, ssh, ftp];

/**
 * The grabber whose default ports include `port`.
 * @example grabberForPort(2323)?.name // "telnet"
 */
export function grabberForPort(port: number): Grabber | undefined {
  return grabbers.find((grabber) => grabber.defaultPorts.includes(port));
}

/**
 * The grabber with this name.
 * @example grabberByName('ssh')?.defaultPorts // [22, 2222]
 */
export function grabberByName(name: string): Grabber | undefined {
  return grabbers.find((grabber) => grabber.name === name);
}
