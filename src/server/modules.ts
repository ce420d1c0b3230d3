/**
 * The page modules the server is made of. Each module is a function from the server's
 * dependencies to its routes; the core (app.ts) checks access, CSRF and headers for all of
 * them alike. Add a module here with one line.
 */
import { authRoutes } from './auth/routes.ts';
import { portalRoutes } from './portal/index.ts';
import { dashboardModule } from './dashboard/index.ts';
import { gatewayApiRoutes } from './gateway/routes.ts';
import type { GatewayPolicyOptions } from './gateway/policy-source.ts';
import { createPublicModule, type PublicLimits } from './public/index.ts';
import type { RouteModule } from './module-context.ts';

/**
 * The modules of `opennotice serve`, in the order their routes are listed, with the public
 * pages' limits and check-page window (`opennotice serve --check-activity-days`) and what the
 * gateway API adds to every policy (`--blocklist-sign-key`, `--gateway-update-path`).
 * @example buildApp({ deps, modules: serverModules({ publicPages: { activityDays: 14 } }) })
 */
export function serverModules(options: { publicPages?: PublicLimits; gateway?: GatewayPolicyOptions } = {}): readonly RouteModule[] {
  const gateway = options.gateway ?? {};
  return [authRoutes, portalRoutes, dashboardModule, (deps) => gatewayApiRoutes(deps, gateway), createPublicModule(options.publicPages)];
}

/** The modules with the default limits. */
export const defaultModules: readonly RouteModule[] = serverModules();
