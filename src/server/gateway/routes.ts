/**
 * The gateway API: `GET /api/v1/gateway/policy?network=CIDR…` gives a secure gateway what to
 * enforce, `POST /api/v1/gateway/report` takes what it blocked. Access 'isp': a gateway calls
 * with an API token of an ISP user (a dedicated one per deployment is advised), so it only
 * ever sees that ISP's findings, and only those inside the networks it names. Operators read
 * every report at /dashboard/gateways, an ISP its own gateways' at /portal/gateways.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { canonicalAddress } from '../../scope/canonical-address.ts';
import type { GatewayBlockedCount, GatewayQuarantineCount, GatewayReport, GatewayReportStore } from '../../store/roles/gateway-reports.ts';
import { ispIdOf } from '../portal/data.ts';
import { HttpError, jsonResponse } from '../responses.ts';
import type { Route, ServerDeps } from '../route-types.ts';
import { gatewayReportPageSize, renderGatewayReports, renderIspGatewayReports } from './reports-page.ts';
import { buildGatewayPolicy, type GatewayPolicyOptions, type GatewayPolicyStore, parseGatewayNetworks } from './policy-source.ts';

export const gatewayReportLimits = { maxEntries: 10_000, maxNameLength: 64 };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isTime = (value: unknown): value is string => typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));

function entries(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value) || value.length > gatewayReportLimits.maxEntries)
    throw new HttpError(400, `${field} must be a list of at most ${gatewayReportLimits.maxEntries}`);
  return value;
}

/** The body of a report, checked field by field (the sender is a machine on a customer's premises: trusted for nothing). */
function reportBody(body: unknown): Pick<GatewayReport, 'gateway' | 'windowStart' | 'windowEnd' | 'policyVersion' | 'blocked' | 'quarantined'> {
  if (!isObject(body)) throw new HttpError(400, 'the report must be a JSON object');
  const { gateway, windowStart, windowEnd, policyVersion } = body;
  if (typeof gateway !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(gateway))
    throw new HttpError(400, 'gateway must be a name of letters, digits, ".", "_" or "-"');
  if (!isTime(windowStart) || !isTime(windowEnd)) throw new HttpError(400, 'windowStart and windowEnd must be ISO times');
  if (typeof policyVersion !== 'string' || !/^[0-9a-f]{64}$|^none$/.test(policyVersion))
    throw new HttpError(400, 'policyVersion must be a policy version or "none"');
  const blocked = entries(body.blocked, 'blocked').map((entry): GatewayBlockedCount => {
    if (!isObject(entry) || typeof entry.indicator !== 'string' || !/^[0-9a-f.:/]{2,43}( (tcp|udp))?( port [0-9]{1,5})?$/.test(entry.indicator))
      throw new HttpError(400, 'blocked[].indicator must be an address or CIDR, optionally with " port N" or " tcp|udp port N"');
    if (!isCount(entry.packets) || !isCount(entry.bytes)) throw new HttpError(400, 'blocked[].packets and bytes must be counts');
    return { indicator: entry.indicator, packets: entry.packets, bytes: entry.bytes };
  });
  const quarantined = entries(body.quarantined, 'quarantined').map((entry): GatewayQuarantineCount => {
    const ip = isObject(entry) && typeof entry.ip === 'string' ? canonicalAddress(entry.ip) : undefined;
    if (!isObject(entry) || ip === undefined) throw new HttpError(400, 'quarantined[].ip must be an address');
    if (!isCount(entry.droppedPackets) || !isCount(entry.pagesServed)) throw new HttpError(400, 'quarantined[].droppedPackets and pagesServed must be counts');
    return { ip, droppedPackets: entry.droppedPackets, pagesServed: entry.pagesServed };
  });
  return { gateway, windowStart, windowEnd, policyVersion, blocked, quarantined };
}

/**
 * The routes, with what the server adds to every policy (signing key, update path).
 * @example buildApp({ deps, modules: [authRoutes, (deps) => gatewayApiRoutes(deps, {})] })
 */
export function gatewayApiRoutes(deps: ServerDeps<GatewayPolicyStore & GatewayReportStore>, options: GatewayPolicyOptions): Route[] {
  return [
    {
      method: 'GET',
      path: '/dashboard/gateways',
      access: 'operator',
      async handle(request) {
        const text = request.query.get('before') ?? '';
        const before = /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;
        return renderGatewayReports(
          request,
          await deps.store.listGatewayReports({ limit: gatewayReportPageSize + 1, ...(before ? { beforeId: before } : {}) }),
          before,
        );
      },
    },
    {
      method: 'GET',
      path: '/portal/gateways',
      access: 'isp',
      async handle(request) {
        const text = request.query.get('before') ?? '';
        const before = /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;
        const rows = await deps.store.listGatewayReports({
          ispId: ispIdOf(request),
          limit: gatewayReportPageSize + 1,
          ...(before ? { beforeId: before } : {}),
        });
        return renderIspGatewayReports(request, rows, before);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/gateway/policy',
      access: 'isp',
      async handle(request) {
        let networks: string[];
        try {
          networks = parseGatewayNetworks(request.query.getAll('network'));
        } catch (error) {
          if (error instanceof OpenNoticeError) return jsonResponse(400, { error: error.message, status: 400 });
          throw error;
        }
        const policy = await buildGatewayPolicy(deps.store, { ispId: ispIdOf(request), networks, now: deps.now() }, options);
        return jsonResponse(200, policy, { 'cache-control': 'no-store' });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/gateway/report',
      access: 'isp',
      async handle(request) {
        const principal = request.principal;
        const ispId = ispIdOf(request);
        let body: ReturnType<typeof reportBody>;
        try {
          body = reportBody(await request.json());
        } catch (error) {
          // The gateway's operator reads this message in its log: say what was wrong, not just "400".
          if (error instanceof HttpError && error.status === 400) return jsonResponse(400, { error: error.message, status: 400 });
          throw error;
        }
        const id = await deps.store.recordGatewayReport({
          ...body,
          receivedAt: deps.now().toISOString(),
          ispId,
          userId: principal?.userId ?? 0,
          userName: principal?.name ?? '',
        });
        return jsonResponse(201, { id });
      },
    },
  ];
}
