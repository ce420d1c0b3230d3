/**
 * The page modules the server is made of. Each module is a function from the server's
 * dependencies to its routes; the core (app.ts) checks access, CSRF and headers for all of
 * them alike. Add a module here with one line.
 */
import { authRoutes } from './auth/routes.ts';
import { portalRoutes } from './portal/index.ts';
import { dashboardModule } from './dashboard/index.ts';
import { publicModule } from './public/index.ts';
import type { RouteModule } from './module-context.ts';

/** The modules of `opennotice serve`, in the order their routes are listed. */
export const defaultModules: readonly RouteModule[] = [authRoutes, portalRoutes, dashboardModule, publicModule];
