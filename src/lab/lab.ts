/**
 * Start the simulated IoT network: every service of every device listens on the
 * device's own loopback address and real port, until close().
 */
import { createServer, type Server, type Socket } from 'node:net';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { fixDeviceCredentials } from './fix-device.ts';
import { resolveLabOptions, type LabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { hashText } from '../core/random.ts';
import { serveFtp } from './services/ftp-server.ts';
import { serveHostile } from './services/hostile.ts';
import { createLabHttpServer, type LabHttpServer } from './services/http-server.ts';
import { labHostKey, serveSsh } from './services/ssh-server.ts';
import { serveTelnet } from './services/telnet-server.ts';
import { createLabStats, type LabStats, type LabStatsRecorder } from './stats.ts';
import { truthOf } from './truth.ts';
import type { LabDevice, LabService, LabTruth } from './types.ts';
import { personasOf } from './personas.ts';
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
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stop accepting first, then drop what is connected: close() callbacks wait for those.
      const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
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
          for (const service of device.services) servers.push(await listen(device, service, { seed: resolved.seed, stats, http, sockets }));
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
    close,
  };
}

interface LabRuntime {
  /** The lab's seed: host keys derive from it. */
  seed: number;
  stats: LabStatsRecorder;
  http: LabHttpServer;
  sockets: Set<Socket>;
}

/** Open one service's listener with the handler its device and protocol call for. */
function listen(device: LabDevice, service: LabService, runtime: LabRuntime): Promise<Server> {
  const onConnection = connectionHandler(device, service, runtime);
  const server = createServer({ noDelay: true }, (socket) => {
    runtime.sockets.add(socket);
    socket.once('close', () => runtime.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    runtime.stats.connection(service.protocol, device.role === 'hostile');
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
    const seed = hashText(`${device.ip}:${service.port}`);
    return (socket) => serveHostile(socket, behaviour, service, seed);
  }
  const personas = personasOf(device);
  const missing = (what: string) => new Error(`${device.identity?.vendor ?? device.ip} has no ${what}`);
  switch (service.protocol) {
    case 'telnet': {
      const persona = personas.telnet?.(device, service);
      if (!persona) throw missing('telnet persona');
      return (socket) => serveTelnet(socket, persona, service, runtime.stats);
    }
    case 'http': {
      const site = personas.http?.(device, service);
      if (!site) throw missing('web site');
      return (socket) => runtime.http.accept(socket, site);
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
  }
}

function bindError(error: NodeJS.ErrnoException, ip: string, port: number): OpenNoticeError {
  const where = `${ip}:${port}`;
  const hint =
    error.code === 'EACCES'
      ? 'ports below 1024 need root, or: sysctl net.ipv4.ip_unprivileged_port_start=0'
      : error.code === 'EADDRINUSE'
        ? 'another lab (or program) already listens there; stop it or choose another --cidr'
        : error.code === 'EADDRNOTAVAIL'
          ? 'the address is not local; on Linux all of 127.0.0.0/8 is loopback, elsewhere add it as an alias of lo'
          : error.code === 'EMFILE' || error.code === 'ENFILE'
            ? 'too many open files: each service is one listening socket; raise `ulimit -n` or use fewer devices'
            : 'see the system error';
  return new OpenNoticeError('LAB_FAILED', `cannot listen on ${where}: ${error.code ?? error.message} (${hint})`, { ip, port }, { cause: error });
}
