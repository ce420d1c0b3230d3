/**
 * What a device runs beyond its vendor's classic services, as devices in the wild do: the web
 * interface also over HTTPS with a self-signed certificate, the camera's RTSP stream, a home
 * gateway's MQTT broker (sometimes over TLS) and Android debug bridge, a router's UPnP device
 * description and TR-069 connection-request server, and — LZR's finding — services moved off
 * their usual port (telnet on 8023, a web interface on 5000, SSH on 2222 …). Every draw comes from
 * the device's own random stream, so the classic services of a seed stay what they were.
 *
 * Extra login services use the device's one account (the one its telnet or web login has): a
 * weak device is weak everywhere its account is, unless the dictionary entry says its pair is
 * not used on that protocol, in which case the service gets a strong password.
 */
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import type { Random } from '../core/random.ts';
import { strongCredential } from './credentials.ts';
import type { LabCredential, LabDevice, LabProtocol, LabService } from './types.ts';
import { vendorProfile } from './vendors/index.ts';

export interface ReachContext {
  random: Random;
  entries: readonly DictionaryEntry[];
  knownPasswords: ReadonlySet<string>;
}

/**
 * Ports a service may be moved to, all among the survey's default ports (docs/formats.md) so
 * that a survey with defaults can find it, and most of them a port another protocol usually has:
 * detection, not the port, must name the service.
 */
export const movedPorts: Readonly<Partial<Record<LabProtocol, readonly number[]>>> = {
  telnet: [8023, 2222, 81, 8888],
  ssh: [2222, 8023, 2121, 8000],
  http: [5000, 8000, 8081, 8888, 81],
  https: [8081, 8888, 5000],
  ftp: [2121, 2222, 8000],
};

/** Chances of each extra, per device. */
const chances = {
  /** A web interface also served over TLS, on firmware from 2016 on. */
  httpsTwin: 0.35,
  /** A camera's stream open to anyone. */
  openStream: 0.1,
  /** A broker on a home gateway; elsewhere `mqttElsewhere`. */
  mqttOnGateway: 0.6,
  mqttElsewhere: 0.03,
  /** A broker that lets anyone in (no password file). */
  anonymousBroker: 0.4,
  mqttsTwin: 0.3,
  /** Routers and gateways publishing a UPnP description; the ISP's TR-069 server on routers. */
  upnp: 0.5,
  cwmp: 0.3,
  /** Android-based gateways with network debugging on, and of those the share left open. */
  adb: 0.15,
  adbOpen: 0.5,
  /** One of the device's services moved off its usual port. */
  moved: 0.15,
} as const;

/**
 * The device with its extra services (a new object; the input is not changed).
 * @example extendReach(device, { random: random.fork('reach:7'), entries, knownPasswords }).services.map((service) => service.protocol)
 */
export function extendReach(device: LabDevice, context: ReachContext): LabDevice {
  const identity = device.identity;
  if (device.role !== 'device' || !identity) return device;
  // Every draw happens first and whatever the outcome, so one extra's draws never shift another's.
  const { random } = context;
  const draws = {
    https: random.chance(chances.httpsTwin),
    httpsPort: random.chance(0.75) ? 443 : 8443,
    openStream: random.chance(chances.openStream),
    broker: random.chance(identity.deviceType === 'iot-gateway' ? chances.mqttOnGateway : chances.mqttElsewhere),
    anonymous: random.chance(chances.anonymousBroker),
    brokerTls: random.chance(chances.mqttsTwin),
    upnp: random.chance(chances.upnp),
    upnpOn5000: random.chance(0.3),
    cwmp: random.chance(chances.cwmp),
    adb: random.chance(chances.adb),
    adbOpen: random.chance(chances.adbOpen),
    move: random.chance(chances.moved),
    mover: random.next(),
    movedPort: random.next(),
  };
  const passwords = { ...context, random: random.fork('passwords') };
  const services = device.services.map((service) => ({ ...service }));
  const account = services.find((service) => service.credential)?.credential;
  const credentialFor = (protocol: LabProtocol): LabCredential => accountOn(protocol, account, passwords);
  const certificate = { commonName: device.hostname ?? identity.model, organization: identity.vendor };

  const web = services.find((service) => service.protocol === 'http');
  if (web && draws.https && (device.firmwareDate ?? '') >= '2016-01-01') {
    services.push({
      port: draws.httpsPort,
      protocol: 'https',
      ...(web.auth ? { auth: web.auth } : {}),
      ...(web.credential ? { credential: { ...web.credential } } : {}),
      certificate,
    });
  }

  const rtsp = vendorProfile(identity.vendor).rtsp;
  if (rtsp) {
    services.push(
      draws.openStream ? { port: 554, protocol: 'rtsp', auth: 'none' } : { port: 554, protocol: 'rtsp', auth: rtsp.auth, credential: credentialFor('rtsp') },
    );
  }

  if (draws.broker) {
    const broker = (protocol: 'mqtt' | 'mqtts', port: number): LabService => ({
      port,
      protocol,
      ...(draws.anonymous ? { auth: 'none' as const } : { auth: 'login' as const, credential: credentialFor(protocol) }),
      ...(protocol === 'mqtts' ? { certificate } : {}),
    });
    services.push(broker('mqtt', 1883));
    if (draws.brokerTls) services.push(broker('mqtts', 8883));
  }

  const router = identity.deviceType === 'router' || identity.deviceType === 'iot-gateway';
  if (router && draws.upnp) {
    const port = draws.upnpOn5000 && !services.some((service) => service.port === 5000) ? 5000 : 49152;
    services.push({ port, protocol: 'upnp' });
  }
  if (identity.deviceType === 'router' && draws.cwmp) services.push({ port: 7547, protocol: 'cwmp', auth: 'digest' });
  if (identity.deviceType === 'iot-gateway' && draws.adb) services.push({ port: 5555, protocol: 'adb', auth: draws.adbOpen ? 'none' : 'login' });

  if (draws.move) moveService(services, Math.floor(draws.mover * services.length), draws.movedPort);
  return { ...device, services };
}

/** Move one service to a port of `movedPorts` its device does not use yet; no move when none is free. */
function moveService(services: LabService[], index: number, draw: number): void {
  const service = services[index];
  const candidates = service ? (movedPorts[service.protocol] ?? []) : [];
  const free = candidates.filter((port) => !services.some((other) => other.port === port));
  if (!service || free.length === 0) return;
  const port = free[Math.floor(draw * free.length)] ?? free[0]!;
  services[index] = { ...service, port, movedFrom: service.port };
}

/**
 * The device's account as a login on `protocol`: the same pair, unless the pair is a dictionary
 * entry restricted to other protocols (then a strong password), or the device has no account.
 */
function accountOn(protocol: LabProtocol, account: LabCredential | undefined, context: ReachContext): LabCredential {
  const entry = account?.dictionaryEntryId ? context.entries.find((candidate) => candidate.id === account.dictionaryEntryId) : undefined;
  const usable = !entry || entry.protocols.length === 0 || entry.protocols.includes(protocol);
  if (account && usable) return { ...account };
  return strongCredential(context.random, account?.username ?? 'admin', context.knownPasswords);
}
