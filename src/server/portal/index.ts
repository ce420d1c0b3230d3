/**
 * The ISP portal module: pages under /portal and the API under /api/v1, all with access
 * 'isp' and all scoped by the caller's ISP id.
 */
import type { ApiTokenStore } from '../../store/roles/api-tokens.ts';
import type { Route, ServerDeps } from '../route-types.ts';
import { apiRoutes } from './api.ts';
import { bulkFixApiRoutes, bulkFixRoutes } from './bulk-fix.ts';
import type { PortalStore } from './data.ts';
import { findingRoutes } from './findings.ts';
import { overviewRoutes } from './overview.ts';
import { reportRoutes } from './reports.ts';
import { tokenRoutes } from './tokens.ts';

/** @example buildApp({ deps, modules: [authRoutes, portalRoutes] }) */
export function portalRoutes(deps: ServerDeps<PortalStore & ApiTokenStore>): Route[] {
  return [
    ...overviewRoutes(deps),
    ...findingRoutes(deps),
    ...reportRoutes(deps),
    ...bulkFixRoutes(deps),
    ...tokenRoutes(deps),
    ...apiRoutes(deps),
    ...bulkFixApiRoutes(deps),
  ];
}
