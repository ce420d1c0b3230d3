/**
 * The page modules the server is made of. Each module is a function from the server's
 * dependencies to its routes; the core (app.ts) checks access, CSRF and headers for all of
 * them alike. Add a module here with one line.
 */
import type { Auth } from './auth/index.ts';
import { authRoutes } from './auth/routes.ts';
import { portalRoutes } from './portal/index.ts';
import { dashboardModule } from './dashboard/index.ts';
import { publicModule } from './public/index.ts';
import type { Route, ServerDeps } from './route-types.ts';

/** What the core gives modules besides the deps: the login machinery and the cookie settings. */
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

/** The modules of `opennotice serve`, in the order their routes are listed. */
export const defaultModules: readonly RouteModule[] = [authRoutes, portalRoutes, dashboardModule, publicModule];
