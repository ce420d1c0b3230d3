/**
 * Test support for the MQTT protocol folder: the lab's broker (polite or hostile) on
 * 127.0.0.1 with an ephemeral port, plain or behind TLS, and a self-signed certificate made by
 * Debian's openssl in a directory the caller owns.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { createMqttBroker, type MqttBroker, type MqttBrokerSettings } from '../../src/lab/services/mqtt-broker.ts';
import { type MqttHostileBehaviour, serveHostileMqtt } from '../../src/lab/services/mqtt-hostile.ts';
import { createLabStats, type LabStatsRecorder } from '../../src/lab/stats.ts';

export interface Certificate {
  keyFile: string;
  certFile: string;
}

/**
 * A self-signed P-256 certificate for `commonName`, valid two days, written into `directory`.
 * @example const certificate = makeCertificate(directory, 'broker.test')
 */
export function makeCertificate(directory: string, commonName: string): Certificate {
  const keyFile = join(directory, `${commonName}.key`);
  const certFile = join(directory, `${commonName}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/O=opennotice test/CN=${commonName}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { cwd: directory, timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { keyFile, certFile };
}

export interface LabBrokerHandle {
  port: number;
  broker?: MqttBroker;
  stats: LabStatsRecorder;
  /** Bytes the server wrote to each connection (for the hostile ones: how much the client let through). */
  bytesWritten(): number[];
  close(): Promise<void>;
}

/**
 * The lab's broker (or a hostile one) on 127.0.0.1, an ephemeral port; behind TLS when a certificate is given.
 * @example const lab = await startLabBroker({ settings: {} }); … await lab.close()
 */
export async function startLabBroker(
  options: { settings: MqttBrokerSettings; certificate?: Certificate } | { hostile: MqttHostileBehaviour; certificate?: Certificate },
): Promise<LabBrokerHandle> {
  const stats = createLabStats();
  const broker = 'settings' in options ? createMqttBroker(options.settings, stats) : undefined;
  const sockets = new Set<Socket>();
  const written = new Map<Socket, number>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    written.set(socket, 0);
    socket.once('close', () => {
      written.set(socket, socket.bytesWritten);
      sockets.delete(socket);
    });
    if (broker) broker.serve(socket);
    else if ('hostile' in options) serveHostileMqtt(socket, options.hostile);
  };
  const server: Server = options.certificate
    ? createTlsServer({ key: readFileSync(options.certificate.keyFile), cert: readFileSync(options.certificate.certFile) }, onSocket)
    : createServer(onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    ...(broker ? { broker } : {}),
    stats,
    bytesWritten: () => [...written.entries()].map(([socket, count]) => (socket.destroyed ? count : socket.bytesWritten)),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
