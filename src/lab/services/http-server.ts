/**
 * One real node:http server parses HTTP for every simulated web server of the lab;
 * each device's listener hands its accepted sockets over together with that device's
 * site (a pure request → reply function). Embedded servers close after each reply.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LabStatsRecorder } from '../stats.ts';
import type { HttpReply, HttpSite } from '../vendors/profile.ts';

/** Request bodies (login forms) larger than this are refused. */
const maxBodyBytes = 8 * 1024;
/**
 * Silence after which a connection is dropped. node:http enforces its own request
 * timeouts only for servers that listen themselves, and this one never does.
 */
const idleTimeoutMs = 30_000;

export interface LabHttpServer {
  /** Serve an accepted socket with `site`. */
  accept(socket: Socket, site: HttpSite): void;
  close(): void;
}

/**
 * @example const http = createLabHttpServer(stats); listener.on('connection', (socket) => http.accept(socket, site))
 */
export function createLabHttpServer(stats: LabStatsRecorder): LabHttpServer {
  const siteOf = new WeakMap<Socket, HttpSite>();
  const server: Server = createServer({ keepAliveTimeout: 2000, maxHeaderSize: 16 * 1024 }, (request, response) => handle(request, response));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    stats.add('httpRequests');
    const site = siteOf.get(request.socket);
    if (!site) {
      response.writeHead(500).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const reply = site({ method: request.method ?? 'GET', path: request.url ?? '/', headers, body: Buffer.concat(chunks).toString('latin1') });
      if (reply.login) {
        stats.add('loginAttempts');
        stats.add(reply.login === 'accepted' ? 'successfulLogins' : 'failedLogins');
      }
      send(response, reply);
    });
  };

  return {
    accept(socket, site) {
      siteOf.set(socket, site);
      socket.on('error', () => socket.destroy());
      socket.setTimeout(idleTimeoutMs, () => socket.destroy());
      server.emit('connection', socket);
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

function send(response: ServerResponse, reply: HttpReply): void {
  response.sendDate = reply.sendDate;
  const body = Buffer.from(reply.body, 'latin1');
  for (const [name, value] of reply.headers) response.appendHeader(name, value);
  response.setHeader('Content-Length', body.length);
  response.setHeader('Connection', 'close');
  response.writeHead(reply.status);
  response.end(body);
}
