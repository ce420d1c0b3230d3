/**
 * Route matching: literal segments and ":name" segments (one whole segment each). Routes
 * are checked in a fixed order — literal segments beat parameters — so "/portal/tokens"
 * and "/portal/:anything" never depend on registration order.
 */
import type { Route } from './route-types.ts';

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  /** The path exists, but not for this method. */
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string }>;
}

export interface Router {
  readonly routes: readonly Route[];
  /** `segments` are the decoded path segments (the path split on "/", without the leading empty one). */
  match(method: string, segments: readonly string[]): RouteMatch;
}

function compile(route: Route): CompiledRoute {
  if (!route.path.startsWith('/')) throw new RangeError(`route paths start with "/": ${route.path}`);
  const segments = route.path
    .slice(1)
    .split('/')
    .map((part) => (part.startsWith(':') ? { param: part.slice(1) } : { literal: part }));
  return { route, segments };
}

/** Literal segments sort before parameters, position by position. */
function specificity(compiled: CompiledRoute): string {
  return compiled.segments.map((segment) => ('literal' in segment ? '0' : '1')).join('');
}

/**
 * @example createRouter(routes).match('GET', ['portal', 'findings', '42']) // { kind: 'found', params: { id: '42' }, … }
 */
export function createRouter(routes: readonly Route[]): Router {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path.replace(/:[^/]+/g, ':')}`;
    if (seen.has(key)) throw new RangeError(`two routes for ${route.method} ${route.path}`);
    seen.add(key);
  }
  const compiled = routes.map(compile).sort((a, b) => a.segments.length - b.segments.length || specificity(a).localeCompare(specificity(b)));
  return {
    routes,
    match(method, segments) {
      const allow = new Set<string>();
      for (const candidate of compiled) {
        if (candidate.segments.length !== segments.length) continue;
        const params: Record<string, string> = {};
        const fits = candidate.segments.every((segment, index) => {
          if ('literal' in segment) return segment.literal === segments[index];
          params[segment.param] = segments[index]!;
          return segments[index] !== '';
        });
        if (!fits) continue;
        const routeMethod = candidate.route.method;
        if (routeMethod === method || (method === 'HEAD' && routeMethod === 'GET')) return { kind: 'found', route: candidate.route, params };
        allow.add(routeMethod);
        if (routeMethod === 'GET') allow.add('HEAD');
      }
      return allow.size > 0 ? { kind: 'method-not-allowed', allow: [...allow].sort() } : { kind: 'not-found' };
    },
  };
}
