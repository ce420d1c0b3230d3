/**
 * The walled-garden web server on the gateway: quarantined devices' port 80 is DNAT'ed here
 * (source address kept), so the connection's peer address says which device asks, and the
 * page names that device's findings only — never another device's. It listens through the
 * server's one listener (src/server/listen.ts) and counts the pages it served per device for
 * the next report.
 */
import type { DeviceAdviceSet } from '../notify/messages/device-advice.ts';
import type { NodeRequestLike, NodeResponseLike } from '../server/app.ts';
import { listen, type RunningServer } from '../server/listen.ts';
import { localeFromAcceptLanguage } from '../server/locale.ts';
import type { Locale } from '../server/route-types.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';
import type { GatewayPolicy } from './policy.ts';
import { renderWalledGardenPage, walledGardenHeaders } from './walled-garden-page.ts';

export interface WalledGarden {
  handle(request: NodeRequestLike, response: NodeResponseLike): Promise<void>;
  /** Pages served per device address since the last call (the counts restart). */
  takePageCounts(): Map<string, number>;
}

function localeOf(request: NodeRequestLike): Locale {
  const query = new URL(request.url ?? '/', 'http://walled-garden.invalid').searchParams.get('lang');
  if (query === 'ja' || query === 'en') return query;
  const header = request.headers['accept-language'];
  return localeFromAcceptLanguage(typeof header === 'string' ? header : undefined) ?? 'en';
}

/**
 * @example const garden = createWalledGarden({ advice: loadDeviceAdvice(), currentPolicy: () => lastGood })
 */
export function createWalledGarden(options: { advice: DeviceAdviceSet; currentPolicy(): GatewayPolicy | undefined }): WalledGarden {
  let pagesServed = new Map<string, number>();
  return {
    async handle(request, response) {
      // Any path and host: a device asking for any web site gets the notice. Only GET/HEAD.
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        response.end(Buffer.from('method not allowed\n'));
        return;
      }
      const path = new URL(request.url ?? '/', 'http://walled-garden.invalid').pathname;
      if (path === '/favicon.ico' || path === '/robots.txt') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        response.end(Buffer.from('not found\n'));
        return;
      }
      const ip = canonicalAddress(request.socket.remoteAddress ?? '') ?? '';
      const device = options.currentPolicy()?.quarantine.find((entry) => entry.ip === ip);
      if (device) pagesServed.set(ip, (pagesServed.get(ip) ?? 0) + 1);
      const locale = localeOf(request);
      const body = renderWalledGardenPage({ locale, device, advice: options.advice });
      // 200, not a redirect: the device's browser shows the notice in place of the site it asked for.
      response.writeHead(200, { ...walledGardenHeaders, 'content-language': locale });
      response.end(request.method === 'HEAD' ? undefined : Buffer.from(body));
    },
    takePageCounts() {
      const taken = pagesServed;
      pagesServed = new Map();
      return taken;
    },
  };
}

/**
 * Serve the walled garden on the gateway's LAN address (not loopback: devices connect to it).
 * @example const server = await startWalledGarden(garden, { host: '192.168.1.1', port: 8080 })
 */
export function startWalledGarden(garden: WalledGarden, address: { host: string; port: number }): Promise<RunningServer> {
  return listen(garden, { host: address.host, port: address.port, allowNonLoopback: true });
}
