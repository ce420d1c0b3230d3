/**
 * Who lives in the lab: addresses, vendors, models, firmware, services, credentials,
 * hostile devices and payload devices — all drawn from the seed, so the same options always give the
 * same population (and the same ground truth).
 */
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { formatIPv4 } from '../scope/ipv4.ts';
import { chooseWeakEntry, labDictionary, strongCredential, weakCredential } from './credentials.ts';
import { chooseIcsBSlots, icsBDevice } from './critical/ics-b.ts';
import { choosePayloadSlots, payloadDevice } from './payload-devices.ts';
import { chooseIcsASlots, icsADevice } from './critical/ics-a.ts';
import { chooseWebMonitorSlots, webMonitorDevice } from './critical/web-monitors.ts';
import {
  hostilePerBehaviour,
  labHostAddresses,
  labIPv6Address,
  labIPv6Hosts,
  parseLabCidr,
  parseLabIPv6Cidr,
  resolveLabOptions,
  type LabOptions,
} from './options.ts';
import { createRandom, type Random } from '../core/random.ts';
import { hostileBehaviours, type HostileBehaviour, type LabDevice, type LabService } from './types.ts';
import { labVendors } from './vendors/index.ts';
import { extendReach } from './reach.ts';
import { extendUdpReach } from './udp-reach.ts';
import type { PlannedService } from './vendors/profile.ts';

/**
 * Chance that a device of this release year still has a weak password. Old devices far
 * more often: NOTICE found over 40 % of weak-credential devices were 10+ years old.
 * @example weakProbability(2010) // 0.5
 */
export function weakProbability(releaseYear: number): number {
  return 0.05 + 0.45 * 0.8 ** Math.max(0, releaseYear - 2010);
}

/**
 * Chance that a device gives a shell on telnet without any password (debug builds, never-configured gateways).
 * @example openShellProbability(2012) // 0.035
 */
export function openShellProbability(releaseYear: number): number {
  return releaseYear <= 2015 ? 0.035 : 0.008;
}

/**
 * Generate the lab's devices, in ascending address order. Pure: same options (and
 * dictionary) ⇒ same devices.
 * @example generatePopulation({ ...defaultLabOptions, deviceCount: 100 }).length // 100
 */
export function generatePopulation(options: LabOptions, dictionary: readonly DictionaryEntry[] = loadDictionary()): LabDevice[] {
  const resolved = resolveLabOptions(options);
  const random = createRandom(resolved.seed);
  const addresses = chooseAddresses(resolved, random.fork('addresses'));
  const hostileByIndex = chooseHostileDevices(resolved, random.fork('hostile'));
  // Payload devices come with the hostile ones: both exist to test how surveys and pages cope with malice.
  const payloadByIndex = resolved.hostile ? choosePayloadSlots(resolved.deviceCount, new Set(hostileByIndex.keys())) : new Map();
  // Critical devices take the same slots with or without hostile ones (see slotsOfAHostileLab).
  const hostileLabSlots = slotsOfAHostileLab(resolved, random);
  const icsAByIndex = chooseIcsASlots(resolved.deviceCount, hostileLabSlots);
  const icsBByIndex = chooseIcsBSlots(resolved.deviceCount, new Set([...hostileLabSlots, ...icsAByIndex.keys()]));
  const monitorByIndex = chooseWebMonitorSlots(resolved.deviceCount, new Set([...hostileLabSlots, ...icsAByIndex.keys(), ...icsBByIndex.keys()]));
  const entries = labDictionary(dictionary);
  const knownPasswords = new Set(dictionary.map((entry) => entry.password));
  return addresses.map((ip, index) => {
    const behaviour = hostileByIndex.get(index);
    if (behaviour) return extendUdpReach(hostileDevice(ip, behaviour), random.fork(`udp:${index}`));
    const icsBKind = icsBByIndex.get(index);
    if (icsBKind) return icsBDevice(icsBKind, ip);
    const payloadKind = payloadByIndex.get(index);
    // A fork of its own: every other device draws exactly what it drew before payload devices existed.
    if (payloadKind) return payloadDevice(payloadKind, ip, { random: random.fork(`payload:${index}`), entries, knownPasswords });
    const icsAKind = icsAByIndex.get(index);
    if (icsAKind) return icsADevice(icsAKind, ip);
    const monitorKind = monitorByIndex.get(index);
    if (monitorKind) return webMonitorDevice(monitorKind, ip, { random: random.fork(`monitor:${index}`), entries, knownPasswords });
    const device = simulatedDevice(ip, random.fork(index), entries, knownPasswords);
    const reached = extendReach(device, { random: random.fork(`reach:${index}`), entries, knownPasswords });
    return extendUdpReach(reached, random.fork(`udp:${index}`));
  });
}

/**
 * The slots hostile and payload devices take when the lab has them. Critical devices avoid these
 * whether or not this lab has them, so they sit in the same slots either way and every other
 * slot holds the same device in both (none where a lab is too small to spare them).
 */
function slotsOfAHostileLab(options: LabOptions, random: Random): Set<number> {
  if (options.deviceCount < 20) return new Set();
  const hostile = chooseHostileDevices({ ...options, hostile: true }, random.fork('hostile'));
  return new Set([...hostile.keys(), ...choosePayloadSlots(options.deviceCount, new Set(hostile.keys())).keys()]);
}

/** `deviceCount` distinct addresses scattered over the network (seeded), ascending. */
function chooseAddresses(options: LabOptions, random: Random): string[] {
  if (options.cidr.includes(':')) {
    const network = parseLabIPv6Cidr(options.cidr);
    return sample(labIPv6Hosts(network), options.deviceCount, random).map((host) => labIPv6Address(network, host));
  }
  return sample(labHostAddresses(parseLabCidr(options.cidr)), options.deviceCount, random).map(formatIPv4);
}

/** `count` numbers of the pool drawn uniformly (seeded), ascending. */
function sample(pool: number[], count: number, random: Random): number[] {
  // Partial Fisher–Yates: the first deviceCount slots become a uniform random sample.
  for (let index = 0; index < count; index++) {
    const swapWith = random.int(index, pool.length - 1);
    [pool[index], pool[swapWith]] = [pool[swapWith]!, pool[index]!];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

function chooseHostileDevices(options: LabOptions, random: Random): Map<number, HostileBehaviour> {
  const perBehaviour = hostilePerBehaviour(options);
  const indexes = Array.from({ length: options.deviceCount }, (_, index) => index);
  const chosen = new Map<number, HostileBehaviour>();
  const total = perBehaviour * hostileBehaviours.length;
  for (let slot = 0; slot < total; slot++) {
    const swapWith = random.int(slot, indexes.length - 1);
    [indexes[slot], indexes[swapWith]] = [indexes[swapWith]!, indexes[slot]!];
    chosen.set(indexes[slot]!, hostileBehaviours[slot % hostileBehaviours.length]!);
  }
  return chosen;
}

/**
 * Which ports each hostile behaviour occupies (a tarpit on telnet, web and TLS).
 * @example hostileServices('tarpit').map((service) => service.port) // [23, 80, 443]
 */
export function hostileServices(behaviour: HostileBehaviour): LabService[] {
  // Each behaviour in every protocol it makes sense for: a TLS handshake that stalls is a tarpit
  // on 443, RTSP headers that never end an endless banner, a 256 MiB MQTT packet garbage.
  switch (behaviour) {
    case 'tarpit':
      return [
        { port: 23, protocol: 'telnet' },
        { port: 80, protocol: 'http' },
        { port: 443, protocol: 'https' },
      ];
    case 'endless-banner':
      return [
        { port: 23, protocol: 'telnet' },
        { port: 8080, protocol: 'http' },
        { port: 554, protocol: 'rtsp' },
        { port: 49152, protocol: 'upnp' },
      ];
    case 'binary-garbage':
      return [
        { port: 23, protocol: 'telnet' },
        { port: 80, protocol: 'http' },
        { port: 1883, protocol: 'mqtt' },
      ];
    case 'slow-sender':
      return [
        { port: 23, protocol: 'telnet' },
        { port: 1883, protocol: 'mqtt' },
      ];
    case 'iac-storm':
      return [{ port: 23, protocol: 'telnet' }];
  }
}

function hostileDevice(ip: string, behaviour: HostileBehaviour): LabDevice {
  return { ip, role: 'hostile', hostileBehaviour: behaviour, services: hostileServices(behaviour) };
}

const needsCredential = (service: PlannedService): boolean => service.auth === 'login' || service.auth === 'basic' || service.auth === 'form';

function simulatedDevice(ip: string, random: Random, entries: readonly DictionaryEntry[], knownPasswords: ReadonlySet<string>): LabDevice {
  const vendor = random.weighted(labVendors, (profile) => profile.share);
  const model = random.pick(vendor.models);
  const releases = vendor.firmwareReleases(model);
  const weak = random.chance(weakProbability(model.releaseYear));
  const openShell = random.chance(openShellProbability(model.releaseYear));
  // Weak devices tend to run their first firmware: nobody updates a device nobody configured.
  const draw = random.next();
  const firmwareIndex = Math.min(releases.length - 1, Math.floor((weak ? draw * draw : Math.sqrt(draw)) * releases.length));
  const firmware = releases[firmwareIndex]!;
  const planned = vendor.planServices({ model, firmware, openShell, random });

  const defaultEntry = entries.find((entry) => entry.id === vendor.defaultCredentialId);
  if (!defaultEntry) throw new Error(`${vendor.vendor}: default credential ${vendor.defaultCredentialId} not in the lab dictionary`);
  const strong = strongCredential(random, defaultEntry.username, knownPasswords);
  const loginServices = planned.filter(needsCredential);
  const weakServices = new Set<PlannedService>();
  const weakEntry = weak && loginServices.length > 0 ? chooseWeakEntry(random, entries, vendor.defaultCredentialId) : undefined;
  if (weakEntry) {
    // Usually one account guards every login; sometimes only some services kept the default.
    const everyService = random.chance(0.85);
    for (const service of loginServices) if (everyService || random.chance(0.5)) weakServices.add(service);
    if (weakServices.size === 0) weakServices.add(random.pick(loginServices));
  }
  const services: LabService[] = planned.map((service) => {
    if (!needsCredential(service)) return { ...service };
    return { ...service, credential: weakEntry && weakServices.has(service) ? weakCredential(weakEntry) : { ...strong } };
  });

  return {
    ip,
    role: 'device',
    identity: {
      vendor: vendor.vendor,
      model: model.model,
      deviceType: model.deviceType,
      firmwareVersion: firmware.version,
      releaseYear: model.releaseYear,
      ...(model.hardwareVersion === undefined ? {} : { hardwareVersion: model.hardwareVersion }),
    },
    firmwareDate: firmware.date,
    hostname: vendor.hostname(model, ip),
    services,
  };
}
