/**
 * Start the simulated IoT network: every service of every device listens on the
 * device's own loopback address and real port, until close().
 */
import type { KeyObject } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { fixDeviceCredentials } from './fix-device.ts';
import { resolveLabOptions, type LabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { hashText } from '../core/random.ts';
import { createLabKey, selfSignedCertificate } from './certificate.ts';
import { icsBHandler } from './critical/ics-b.ts';
import { serveFtp } from './services/ftp-server.ts';
import { createAdbDevice } from './services/adb-device.ts';
import { cwmpServerSite } from './services/cwmp-server.ts';
import { createMqttBroker } from './services/mqtt-broker.ts';
import { upnpDeviceSite } from './services/upnp-device.ts';
import { serveRtspCamera } from './services/rtsp-server.ts';
import { serveHostile } from './services/hostile.ts';
import { icsAConnectionHandler } from './critical/ics-a-serve.ts';
import { createLabHttpServer, type LabHttpServer } from './services/http-server.ts';
import { labHostKey, serveSsh } from './services/ssh-server.ts';
import { serveTelnet } from './services/telnet-server.ts';
import { serveUdpService, type UdpDeviceHandle } from './services/udp/udp-device.ts';
import { createLabStats, type LabStats, type LabStatsRecorder } from './stats.ts';
import { truthOf } from './truth.ts';
import type { LabDevice, LabService, LabTruth } from './types.ts';
import { personasOf } from './personas.ts';
import { vendorProfile } from './vendors/index.ts';
import { sshPersonaOf } from './vendors/ssh-kit.ts';

export type { LabStats } from './stats.ts';

export interface LabHandle {
  options: LabOptions;
  truth: LabTruth;
  /** Every device address, ascending. */
  addresses: string[];
  stats(): LabStats;
  /**
   * The owner of the device at `ip` fixes it now: its weak passwords become strong and an
   * open telnet shell asks for a login, for every new login attempt. False for an address
   * that is not one of the lab's devices. An infected device counts as cleaned: see remediated().
   * The truth keeps describing the devices as they started.
   */
  remediate(ip: string): boolean;
  /** Addresses remediated so far, in the order it happened (each once). */
  remediated(): string[];
  /** Connections the device at `ip` has accepted, all its services together (0 for any other address): proof of what a survey never dialed. */
  connectionsTo(ip: string): number;
  /** Every address connections came from, in the order first seen: where a survey's traffic left from. */
  peers(): string[];
  /** Stop listening, drop every connection and timer. Safe to call twice. */
  close(): Promise<void>;
}

export type StartLabOptions = Partial<LabOptions> & { onProgress?: (listening: number, total: number) => void };

/** Devices whose listeners are opened together (bounded, so start-up never opens thousands of binds at once). */
const startBatchSize = 200;

/**
 * Generate the population from the options and start every device.
 * @example
 * const lab = await startLab({ cidr: '127.78.0.0/16', deviceCount: 60 });
 * // … survey 127.78.0.0/16 …
 * lab.remediate('127.78.0.23'); // its owner changed the default password
 * await lab.close();
 */
export async function startLab(options: StartLabOptions = {}): Promise<LabHandle> {
  const { onProgress, ...labOptions } = options;
  const resolved = resolveLabOptions(labOptions);
  const dictionary = loadDictionary();
  const devices = generatePopulation(resolved, dictionary);
  const truth = truthOf(devices, resolved);
  const stats = createLabStats();
  const deviceByIp = new Map(devices.map((device) => [device.ip, device]));
  const remediated = new Set<string>();
  // Strong passwords drawn for fixes must be outside the whole dictionary, as at generation.
  const knownPasswords = new Set(dictionary.map((entry) => entry.password));
  const http = createLabHttpServer(stats);
  const tlsKey = createLabKey();
  const servers: Server[] = [];
  const udpServices: UdpDeviceHandle[] = [];
  const sockets = new Set<Socket>();
  const connectionsByIp = new Map<string, number>();
  const peers = new Set<string>();
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stop accepting first, then drop what is connected: close() callbacks wait for those.
      const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      for (const udp of udpServices) udp.close();
      http.close();
      await Promise.all(stopped);
    })();
    return closing;
  };

  try {
    let listening = 0;
    for (let start = 0; start < devices.length; start += startBatchSize) {
      const batch = devices.slice(start, start + startBatchSize);
      // allSettled, not all: on a failure every pending listen must finish (and be closed) first.
      const results = await Promise.allSettled(
        batch.map(async (device) => {
          for (const service of device.services)
            servers.push(await listen(device, service, { seed: resolved.seed, stats, http, sockets, tlsKey, connectionsByIp, peers }));
          for (const service of device.udpServices ?? []) udpServices.push(await serveUdpService(device, service, stats));
          listening++;
          onProgress?.(listening, devices.length);
        }),
      );
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    options: resolved,
    truth,
    addresses: devices.map((device) => device.ip),
    stats: () => stats.snapshot(),
    remediate(ip) {
      const device = deviceByIp.get(ip);
      if (!device) return false;
      fixDeviceCredentials(device, { seed: resolved.seed, knownPasswords });
      remediated.add(ip);
      return true;
    },
    remediated: () => [...remediated],
    connectionsTo: (ip) => connectionsByIp.get(ip) ?? 0,
    peers: () => [...peers],
    close,
  };
}

interface LabRuntime {
  /** The lab's seed: host keys derive from it. */
  seed: number;
  stats: LabStatsRecorder;
  http: LabHttpServer;
  sockets: Set<Socket>;
  /** The one key of every self-signed certificate the lab's TLS services present. */
  tlsKey: KeyObject;
  /** Connections accepted per device address. */
  connectionsByIp: Map<string, number>;
  /** Addresses connections came from. */
  peers: Set<string>;
}

/** A TLS client that has not finished its handshake by then is dropped. */
const tlsHandshakeTimeoutMs = 10_000;

/** Open one service's listener with the handler its device and protocol call for. */
function listen(device: LabDevice, service: LabService, runtime: LabRuntime): Promise<Server> {
  const onConnection = connectionHandler(device, service, runtime);
  const server = createServer({ noDelay: true }, (socket) => {
    runtime.sockets.add(socket);
    socket.once('close', () => runtime.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    runtime.stats.connection(service.protocol, device.role === 'hostile');
    runtime.connectionsByIp.set(device.ip, (runtime.connectionsByIp.get(device.ip) ?? 0) + 1);
    if (socket.remoteAddress) runtime.peers.add(socket.remoteAddress);
    onConnection(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(bindError(error, device.ip, service.port)));
    server.listen({ host: device.ip, port: service.port, backlog: 64, exclusive: true }, () => {
      server.removeAllListeners('error');
      server.on('error', () => undefined); // after listening, a failed accept must not crash the lab
      resolve(server);
    });
  });
}

function connectionHandler(device: LabDevice, service: LabService, runtime: LabRuntime): (socket: Socket) => void {
  if (device.role === 'hostile') {
    const behaviour = device.hostileBehaviour ?? 'tarpit';
    // An XML bomb is a document, served by the lab's ordinary web server.
    if (service.protocol === 'upnp') return (socket) => runtime.http.accept(socket, upnpDeviceSite({ kind: 'billion-laughs' }));
    const seed = hashText(`${device.ip}:${service.port}`);
    return (socket) => serveHostile(socket, behaviour, service, seed);
  }
  // Critical devices have personas of their own, not a vendor profile's: their files serve them.
  if (service.protocol === 'modbus' || service.protocol === 'enip') return icsAConnectionHandler(device, service.protocol);
  const critical = icsBHandler(device, service, runtime.stats);
  if (critical) return critical;
  const personas = personasOf(device);
  const missing = (what: string) => new Error(`${device.identity?.vendor ?? device.ip} has no ${what}`);
  switch (service.protocol) {
    case 'telnet': {
      const persona = personas.telnet?.(device, service);
      if (!persona) throw missing('telnet persona');
      return (socket) => serveTelnet(socket, persona, service, runtime.stats);
    }
    case 'http':
    case 'https': {
      const site = personas.http?.(device, service);
      if (!site) throw missing('web site');
      const serve = (socket: Socket) => runtime.http.accept(socket, site);
      return service.protocol === 'https' ? overTls(secureContextOf(device, service, runtime), serve) : serve;
    }
    case 'ftp': {
      const persona = personas.ftp?.(device, service);
      if (!persona) throw missing('FTP persona');
      return (socket) => serveFtp(socket, persona, service, runtime.stats);
    }
    case 'ssh': {
      const context = { persona: sshPersonaOf(personas, device, service), hostKey: labHostKey(runtime.seed, device.ip, service.port), stats: runtime.stats };
      return (socket) => serveSsh(socket, service, context);
    }
    case 'mqtt':
    case 'mqtts': {
      // The broker reads the service's credential at each CONNECT, so a remediation takes effect at once.
      const broker = createMqttBroker(
        {
          get credential() {
            return service.auth === 'none' ? undefined : service.credential;
          },
        },
        runtime.stats,
      );
      return service.protocol === 'mqtts' ? overTls(secureContextOf(device, service, runtime), broker.serve) : broker.serve;
    }
    case 'upnp': {
      const identity = device.identity;
      if (!identity) throw missing('identity');
      const old = (device.firmwareDate ?? '') < '2015-01-01';
      const site = upnpDeviceSite(
        {
          kind: 'description',
          persona: {
            friendlyName: `${identity.vendor} ${identity.model}`,
            manufacturer: identity.vendor,
            modelName: identity.model,
            modelNumber: identity.model,
            serialNumber: hashText(`serial:${device.ip}`).toString(16).toUpperCase(),
            udn: `uuid:${hashText(`udn:${device.ip}`).toString(16).padStart(8, '0')}-0000-1000-8000-${hashText(device.ip).toString(16).padStart(12, '0').slice(0, 12)}`,
            firmware: identity.firmwareVersion,
          },
        },
        { server: old ? 'Linux/2.6.36, UPnP/1.0, MiniUPnPd/1.5' : 'Linux/3.10.14 UPnP/1.1 MiniUPnPd/2.1' },
      );
      return (socket) => runtime.http.accept(socket, site);
    }
    case 'cwmp': {
      const site = cwmpServerSite({ server: 'RomPager/4.07 UPnP/1.0', realm: 'IgdAuthentication', seed: `${runtime.seed}:${device.ip}` });
      return (socket) => runtime.http.accept(socket, site);
    }
    case 'adb': {
      const identity = device.identity;
      const adb = createAdbDevice({
        get authRequired() {
          return service.auth !== 'none';
        },
        banner: {
          systemType: 'device',
          properties: { 'ro.product.name': identity?.model ?? 'gateway', 'ro.product.model': identity?.model ?? 'gateway', 'ro.product.device': 'p281' },
          features: ['shell_v2', 'cmd', 'stat_v2'],
        },
      });
      return (socket) => {
        // An OPEN (a shell or service request) is what a survey must never send.
        const opensBefore = adb.stats().opens;
        socket.once('close', () => runtime.stats.add('commandsAfterLogin', adb.stats().opens - opensBefore));
        adb.accept(socket);
      };
    }
    case 'rtsp': {
      const family = vendorProfile(device.identity?.vendor ?? '').rtsp?.persona;
      if (!family) throw missing('RTSP persona');
      return (socket) =>
        serveRtspCamera(
          socket,
          { persona: family, auth: service.auth === 'basic' || service.auth === 'digest' ? service.auth : 'none', credential: service.credential },
          runtime.stats,
        );
    }
    case 's7':
    case 'iec104':
    case 'fox':
      throw missing('handler of its critical service'); // served above by icsBHandler
  }
}

/** The device's self-signed certificate for one TLS service: its own subject, serial and validity, the lab's key. */
function secureContextOf(device: LabDevice, service: LabService, runtime: LabRuntime): SecureContext {
  const issued = new Date(`${device.firmwareDate ?? '2018-01-01'}T00:00:00Z`);
  const expires = new Date(issued);
  expires.setUTCFullYear(issued.getUTCFullYear() + 20); // embedded certificates are made to outlive the device
  const certificate = selfSignedCertificate(runtime.tlsKey, {
    subject: service.certificate ?? { commonName: device.hostname ?? device.ip },
    altNames: [device.ip],
    serial: BigInt(hashText(`${runtime.seed}:${device.ip}:${service.port}`)) + 1n,
    notBefore: issued,
    notAfter: expires,
  });
  return createSecureContext(certificate);
}

/** Serve `serve` inside a TLS session; a client that never completes the handshake is dropped. */
function overTls(context: SecureContext, serve: (socket: Socket) => void): (socket: Socket) => void {
  return (raw) => {
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    const timer = setTimeout(() => raw.destroy(), tlsHandshakeTimeoutMs);
    timer.unref();
    raw.once('close', () => clearTimeout(timer));
    secure.on('error', () => raw.destroy());
    secure.once('secure', () => {
      clearTimeout(timer);
      serve(secure);
    });
  };
}

function bindError(error: NodeJS.ErrnoException, ip: string, port: number): OpenNoticeError {
  const where = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  const hint =
    error.code === 'EACCES'
      ? 'ports below 1024 need root, or: sysctl net.ipv4.ip_unprivileged_port_start=0'
      : error.code === 'EADDRINUSE'
        ? 'another lab (or program) already listens there; stop it or choose another --cidr'
        : error.code === 'EADDRNOTAVAIL'
          ? 'the address is not local; on Linux all of 127.0.0.0/8 is loopback, elsewhere add it as an alias of lo; an IPv6 lab runs inside a network namespace with its prefix routed to lo (docs/operations.md)'
          : error.code === 'EMFILE' || error.code === 'ENFILE'
            ? 'too many open files: each service is one listening socket; raise `ulimit -n` or use fewer devices'
            : 'see the system error';
  return new OpenNoticeError('LAB_FAILED', `cannot listen on ${where}: ${error.code ?? error.message} (${hint})`, { ip, port }, { cause: error });
}
