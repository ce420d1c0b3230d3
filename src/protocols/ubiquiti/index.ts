/**
 * Ubiquiti discovery (UDP 10001): airMAX, EdgeRouter and UniFi devices answer a four-byte
 * request from anyone with a description of themselves (model, firmware, host name, MAC and
 * addresses, ESSID) about thirty times its size — a reflector abused since 2019, and a precise
 * identification of the device. The survey sends that one request and nothing else.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { grabUbiquiti, type UbiquitiResult } from './grabber.ts';
import { ubiquitiProbe } from './probe.ts';

export default defineProtocol<UbiquitiResult>({
  name: 'ubiquiti',
  description: 'Ubiquiti device discovery; answers a 4-byte request from anyone with its model, firmware and name, many times larger',
  transport: 'udp',
  defaultPorts: [10001],
  fields: {
    mac: 'text',
    ip: 'text',
    addresses: 'list',
    firmware: 'text',
    hostname: 'text',
    modelShort: 'text',
    modelFull: 'text',
    essid: 'text',
    uptime: 'number',
    wirelessMode: 'number',
    reflection: reflectionFields,
  },
  fieldNotes: {
    mac: 'hardware address, `aa:bb:cc:dd:ee:ff`',
    ip: 'the first IPv4 address the device reports',
    addresses: 'every IPv4 address it reports (list: not matchable)',
    firmware: 'firmware string, e.g. `XM.ar7240.v6.1.7.32555.180523.1649`',
    modelShort: 'short model (platform) name, e.g. `N2N`, `ER-X`',
    modelFull: 'full model name, e.g. `NanoStation M2`',
    essid: 'the wireless network name of an access point or station',
    uptime: 'seconds since boot',
    wirelessMode: 'wireless mode code of airMAX devices',
    reflection: 'the discovery request’s figures',
  },
  detect: { probe: ubiquitiProbe },
  grab: grabUbiquiti,
  reflection: (result) => result.reflection,
});
