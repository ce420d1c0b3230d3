/**
 * The web server in one call, for `opennotice serve`, the demo and benchmarks: the app
 * built on a store, listening on loopback (by default), handler errors written to a log.
 */
import type { Logger } from '../core/logger.ts';
import { createLogger } from '../logging/create-logger.ts';
import { buildApp, type App, type AppOptions } from './app.ts';
import type { GatewayPolicyOptions } from './gateway/policy-source.ts';
import { listen, type RunningServer } from './listen.ts';
import { serverModules } from './modules.ts';
import type { ProgramInfo, ServerStore } from './route-types.ts';

export interface StartServerOptions {
  store: ServerStore;
  program: ProgramInfo;
  host?: string;
  port: number;
  publicUrl?: string;
  allowNonLoopback?: boolean;
  trustProxy?: boolean;
  auth?: AppOptions['auth'];
  /** Where handler errors go (with the stack at debug level, and on stderr when OPENNOTICE_DEBUG is set). Default: human lines on stderr. */
  log?: Logger;
  /** Told of every answer: the request metrics. */
  onAnswered?: AppOptions['onAnswered'];
  now?: () => Date;
  /** "Check my connection" reports scanning and attacks of the last this many days (default 7). */
  checkActivityDays?: number;
  /** What the gateway API adds to every policy: the blocklist signer, the vendor update path. */
  gateway?: GatewayPolicyOptions;
}

/**
 * @example const server = await startServer({ store, program, port: 8080 }); console.log(server.url)
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer & { app: App }> {
  const log = options.log ?? createLogger({ command: 'serve', format: 'text', destination: process.stderr });
  const app = buildApp({
    deps: { store: options.store, program: options.program, now: options.now ?? (() => new Date()) },
    auth: options.auth,
    publicUrl: options.publicUrl,
    trustProxy: options.trustProxy,
    modules: serverModules({
      publicPages: options.checkActivityDays === undefined ? {} : { activityDays: options.checkActivityDays },
      ...(options.gateway ? { gateway: options.gateway } : {}),
    }),
    warmUp: true,
    onError: (error, where) => {
      log.error(`error answering ${where.method} ${where.path}`, error, { event: 'handler-error', method: where.method, path: where.path });
      if (error instanceof Error && error.stack) {
        if (process.env.OPENNOTICE_DEBUG) process.stderr.write(`${error.stack}\n`);
        else log.debug(error.stack, { event: 'handler-error-stack' });
      }
    },
    ...(options.onAnswered ? { onAnswered: options.onAnswered } : {}),
  });
  const server = await listen(app, { host: options.host, port: options.port, allowNonLoopback: options.allowNonLoopback });
  return { ...server, app };
}
