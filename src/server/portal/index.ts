/**
 * The ISP portal module: pages under /portal and the API under /api/v1, all with access
 * 'isp' and all scoped by the caller's ISP id.
 */
import { loadDeviceAdvice } from '../../notify/messages/device-advice.ts';
import type { ApiTokenStore } from '../../store/roles/api-tokens.ts';
import type { HelpDeskStore } from '../../store/roles/help-desk.ts';
import type { Route, ServerDeps } from '../route-types.ts';
import { apiRoutes } from './api.ts';
import { bulkFixApiRoutes, bulkFixRoutes } from './bulk-fix.ts';
import type { PortalStore } from './data.ts';
import { findingRoutes } from './findings.ts';
import { helpDeskRoutes } from './help-desk.ts';
import { overviewRoutes } from './overview.ts';
import { reportRoutes } from './reports.ts';
import { tokenRoutes } from './tokens.ts';

/** @example buildApp({ deps, modules: [authRoutes, portalRoutes] }) */
export function portalRoutes(deps: ServerDeps<PortalStore & ApiTokenStore & HelpDeskStore>): Route[] {
  // Read once per app: the same steps the notices give, shown on a finding and at the help desk.
  const advice = loadDeviceAdvice();
  return [
    ...overviewRoutes(deps),
    ...findingRoutes(deps, advice),
    ...reportRoutes(deps),
    ...bulkFixRoutes(deps),
    ...tokenRoutes(deps),
    ...helpDeskRoutes(deps, advice),
    ...apiRoutes(deps),
    ...bulkFixApiRoutes(deps),
  ];
}
