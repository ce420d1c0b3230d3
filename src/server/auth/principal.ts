import type { WebUserRow } from '../../store/roles/web-users.ts';
import type { Principal } from '../route-types.ts';

/**
 * The principal a stored user acts as. ISP users carry their ISP id: every page and API
 * call scopes its data by it.
 * @example principalOf(user, 'session') // { kind: 'isp', userId: 3, name: 'noc@sakura', ispId: 'sakura', via: 'session' }
 */
export function principalOf(user: WebUserRow, via: 'session' | 'token'): Principal {
  if (user.role === 'isp' && user.ispId !== undefined) return { kind: 'isp', userId: user.id, name: user.name, ispId: user.ispId, via };
  return { kind: 'operator', userId: user.id, name: user.name, via };
}
