/**
 * The UDP services a device answers, as devices in the wild do: a router's or camera's SSDP
 * responder left open on the WAN side, a printer's or router's SNMP agent (often readable with
 * `public`), an NTP daemon (old builds with the monitor list on), a router's DNS forwarder
 * (sometimes open to anyone), a NAS's memcached with UDP on. Draws come from a random stream of
 * their own, so the TCP services of a seed stay what they were.
 */
import type { Random } from '../core/random.ts';
import type { DeviceType } from '../core/records.ts';
import type { HostileBehaviour, LabDevice, LabUdpService } from './types.ts';

/** Chances per device type of each UDP service. */
const chancesByType: Readonly<Record<DeviceType, { ssdp: number; snmp: number; ntp: number; dns: number; memcached: number }>> = {
  router: { ssdp: 0.35, snmp: 0.2, ntp: 0.1, dns: 0.3, memcached: 0 },
  'iot-gateway': { ssdp: 0.3, snmp: 0.1, ntp: 0.1, dns: 0.15, memcached: 0 },
  'ip-camera': { ssdp: 0.25, snmp: 0.05, ntp: 0.05, dns: 0, memcached: 0 },
  dvr: { ssdp: 0.25, snmp: 0.05, ntp: 0.05, dns: 0, memcached: 0 },
  nas: { ssdp: 0.3, snmp: 0.1, ntp: 0.1, dns: 0, memcached: 0.08 },
  printer: { ssdp: 0.2, snmp: 0.7, ntp: 0, dns: 0, memcached: 0 },
  // Monitoring and control devices: SNMP on some data loggers; their own protocols come with the critical lab.
  critical: { ssdp: 0, snmp: 0.1, ntp: 0, dns: 0, memcached: 0 },
  other: { ssdp: 0, snmp: 0, ntp: 0, dns: 0, memcached: 0 },
};

/** Of the agents, those still reading the shipped `public` community. */
const publicCommunity = 0.6;
/** Of the forwarders, those answering anyone. */
const openResolver = 0.5;
/** Of the NTP daemons, those with monitoring on (ntpd before 4.2.7 had it on by default). */
const monitorOn = 0.5;

/**
 * The device with its UDP services (a new object). Hostile devices get their hostile UDP answers.
 * @example extendUdpReach(device, random.fork('udp:7')).udpServices?.map((service) => service.protocol)
 */
export function extendUdpReach(device: LabDevice, random: Random): LabDevice {
  if (device.role === 'hostile') return { ...device, udpServices: hostileUdpServices(device.hostileBehaviour ?? 'tarpit') };
  const type = device.identity?.deviceType;
  if (!type) return device;
  const chances = chancesByType[type];
  // Every draw happens first and whatever the outcome, so one service's draws never shift another's.
  const draws = {
    ssdp: random.chance(chances.ssdp),
    snmp: random.chance(chances.snmp),
    snmpPublic: random.chance(publicCommunity),
    ntp: random.chance(chances.ntp),
    monitor: random.chance(monitorOn),
    monitorEntries: 6 + Math.floor(random.next() * 55),
    dns: random.chance(chances.dns),
    open: random.chance(openResolver),
    memcached: random.chance(chances.memcached),
  };
  const services: LabUdpService[] = [];
  if (draws.ssdp) services.push({ port: 1900, protocol: 'ssdp' });
  if (draws.snmp) services.push({ port: 161, protocol: 'snmp', community: draws.snmpPublic ? 'public' : `c${(draws.monitorEntries * 7919).toString(36)}-ro` });
  if (draws.ntp) services.push({ port: 123, protocol: 'ntp', monitorEntries: draws.monitor ? draws.monitorEntries : 0 });
  if (draws.dns) services.push({ port: 53, protocol: 'dns', openResolver: draws.open });
  if (draws.memcached) services.push({ port: 11211, protocol: 'memcached' });
  return services.length > 0 ? { ...device, udpServices: services } : device;
}

/**
 * What each hostile behaviour does over UDP: floods, answers from elsewhere, giant or broken
 * datagrams — each on a port whose protocol would otherwise make it a reflector.
 * @example hostileUdpServices('endless-banner')[0].hostile // 'flood'
 */
export function hostileUdpServices(behaviour: HostileBehaviour): LabUdpService[] {
  switch (behaviour) {
    case 'tarpit':
      return [];
    case 'endless-banner':
      return [{ port: 1900, protocol: 'ssdp', hostile: 'flood' }];
    case 'slow-sender':
      return [{ port: 123, protocol: 'ntp', monitorEntries: 30, hostile: 'other-port' }];
    case 'binary-garbage':
      return [
        { port: 161, protocol: 'snmp', community: 'public', hostile: 'oversized' },
        { port: 11211, protocol: 'memcached', hostile: 'malformed' },
      ];
    case 'iac-storm':
      return [{ port: 53, protocol: 'dns', openResolver: true, hostile: 'malformed' }];
  }
}
