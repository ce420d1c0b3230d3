/**
 * The web server in one call, for `opennotice serve`, the demo and benchmarks: the app
 * built on a store, listening on loopback (by default), handler errors written to a log.
 */
import { describeError } from '../core/errors.ts';
import { buildApp, type App, type AppOptions } from './app.ts';
import { listen, type RunningServer } from './listen.ts';
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
  /** Where handler errors go (one line each; with the stack when OPENNOTICE_DEBUG is set). */
  log?: (line: string) => void;
  now?: () => Date;
}

/**
 * @example const server = await startServer({ store, program, port: 8080 }); console.log(server.url)
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer & { app: App }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = buildApp({
    deps: { store: options.store, program: options.program, now: options.now ?? (() => new Date()) },
    auth: options.auth,
    publicUrl: options.publicUrl,
    trustProxy: options.trustProxy,
    warmUp: true,
    onError: (error, where) => {
      log(`error answering ${where.method} ${where.path}: ${describeError(error)}`);
      if (process.env.OPENNOTICE_DEBUG && error instanceof Error && error.stack) log(error.stack);
    },
  });
  const server = await listen(app, { host: options.host, port: options.port, allowNonLoopback: options.allowNonLoopback });
  return { ...server, app };
}
