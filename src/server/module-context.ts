/**
 * What the server core gives every page module besides the deps: the login machinery and the
 * cookie settings. Its own file so that modules and the module list do not import each other.
 */
import type { Auth } from './auth/index.ts';
import type { Route, ServerDeps } from './route-types.ts';

export interface ModuleContext {
  auth: Auth;
  /** The public URL is https: cookies are Secure and carry the __Host- prefix. */
  https: boolean;
  /** The public URL's origin, when configured (the only Origin accepted on posts). */
  publicOrigin?: string;
  cookieNames: { session: string; csrf: string; lang: string };
  /** Begin expensive caches' first computation at start-up (the real server; tests leave it off). */
  warmUp: boolean;
}

/** A page module. Modules that need no login machinery simply ignore the second argument. */
export type RouteModule = (deps: ServerDeps, context: ModuleContext) => Route[];
