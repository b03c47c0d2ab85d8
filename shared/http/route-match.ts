/**
 * API Gateway's route selection for `METHOD /path/{param}` route keys: a literal segment beats
 * a parameter, and `$default` takes what nothing else matches. Used by the local stack's router
 * and by the `$default` function that tells 404 from 405.
 */
export interface CompiledRoute {
  readonly routeKey: string;
  readonly method: string;
  readonly segments: readonly string[];
}

export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: CompiledRoute; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' };

const splitPath = (path: string) => path.split('/').filter((segment) => segment.length > 0);

/**
 * A path segment percent-decoded as API Gateway HTTP APIs decode paths. A segment that is not
 * valid percent-encoded UTF-8 (`%`, `%zz`, `%FF`, `%C0%AF`) stays as it came: the route still
 * matches and its handler rejects the parameter (a `%` is never part of an id), rather than
 * the router failing.
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

export function compileRoutes(routeKeys: readonly string[]): CompiledRoute[] {
  return routeKeys
    .filter((key) => key !== '$default')
    .map((routeKey) => {
      const [method = '', path = ''] = routeKey.split(' ');
      return { routeKey, method: method.toUpperCase(), segments: splitPath(path) };
    });
}

function matchPath(route: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i] as string;
    if (isParam(segment)) params[segment.slice(1, -1)] = part;
    else if (segment !== part) return undefined;
  }
  return params;
}

const literalCount = (route: CompiledRoute) => route.segments.filter((s) => !isParam(s)).length;

export function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  const parts = splitPath(path).map(decodePathSegment);
  const candidates = routes
    .map((route) => ({ route, params: matchPath(route, parts) }))
    .filter((c): c is { route: CompiledRoute; params: Record<string, string> } => c.params !== undefined);
  const sameMethod = candidates
    .filter((c) => c.route.method === method.toUpperCase())
    .sort((a, b) => literalCount(b.route) - literalCount(a.route));
  const best = sameMethod[0];
  if (best) return { kind: 'matched', route: best.route, pathParameters: best.params };
  if (candidates.length > 0) return { kind: 'wrong-method', allowed: [...new Set(candidates.map((c) => c.route.method))] };
  return { kind: 'none' };
}
