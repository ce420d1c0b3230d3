// Reads the open ports and service names out of nmap's XML output (-oX). Only the few
// elements needed; nmap writes one <port> element per line, which keeps this simple.
import { readFileSync } from 'node:fs';

const serviceNames: Record<string, string> = { telnet: 'telnet', http: 'http', 'http-proxy': 'http', 'http-alt': 'http', ssh: 'ssh', ftp: 'ftp' };

export function parseNmapServices(file: string): Array<{ ip: string; port: number; protocol: string }> {
  const xml = readFileSync(file, 'utf8');
  const calls: Array<{ ip: string; port: number; protocol: string }> = [];
  for (const host of xml.split('<host ').slice(1)) {
    const ip = /<address addr="([^"]+)" addrtype="ipv4"/.exec(host)?.[1];
    if (!ip) continue;
    for (const match of host.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"[^>]*\/>(?:<service name="([^"]+)"([^>]*)>)?/g)) {
      const name = match[2];
      // nmap's guess from the port table alone (method="table") is not an identification.
      if (!name || /method="table"/.test(match[3] ?? '')) continue;
      calls.push({ ip, port: Number(match[1]), protocol: serviceNames[name] ?? name });
    }
  }
  return calls;
}

/** Hosts nmap abandoned because of --host-timeout (it marks them with a "timedout" attribute). */
export function countTimedOutHosts(file: string): number {
  return (readFileSync(file, 'utf8').match(/<host [^>]*timedout="true"/g) ?? []).length;
}
