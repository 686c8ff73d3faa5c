/**
 * Mistakes in `routes` that are not errors, because the config still runs: a route no request
 * can ever reach (it comes after a catch-all, or an earlier route already takes everything it
 * would match), and a pool no route sends to. `helios validate` prints them, and start-up and
 * reloads log them.
 */
import { hostMatches, parseHostPattern } from '../routing/host-pattern.js';
import { hasPathPrefix, normalizePrefix } from '../routing/route-path.js';
import type { RouteConfig } from './route-schema.js';
import type { HeliosConfig } from './types.js';

export interface ConfigWarning {
  path: (string | number)[];
  message: string;
}

type Match = NonNullable<RouteConfig['match']>;

function label(route: RouteConfig, index: number): string {
  return route.name === undefined ? `routes[${index}]` : `routes[${index}] (${route.name})`;
}

/** Does every host `later` accepts also pass `earlier`'s host condition? */
function hostsCovered(earlier: Match | undefined, later: Match | undefined): boolean {
  if (earlier?.host === undefined) return true;
  if (later?.host === undefined) return false;
  const patterns = earlier.host.map(parseHostPattern);
  return later.host.every((text) => {
    const p = parseHostPattern(text);
    return patterns.some((e) =>
      p.kind === 'exact'
        ? hostMatches(e, p.name)
        : e.kind === 'suffix' && (p.name === e.name || p.name.endsWith(e.name)),
    );
  });
}

/** Does every path `later` accepts also pass `earlier`'s path condition? */
function pathsCovered(earlier: Match | undefined, later: Match | undefined): boolean {
  if (earlier?.path === undefined && earlier?.pathPrefix === undefined) {
    return earlier?.pathRegex === undefined;
  }
  if (earlier.pathRegex !== undefined) return false;
  if (earlier.path !== undefined) return later?.path === earlier.path;
  const prefix = normalizePrefix(earlier.pathPrefix as string);
  if (later?.path !== undefined) return hasPathPrefix(later.path, prefix);
  if (later?.pathPrefix !== undefined)
    return hasPathPrefix(normalizePrefix(later.pathPrefix), prefix);
  return false;
}

/** `earlier` has no condition beyond host and path that `later` might fail. */
function noOtherConditions(earlier: Match | undefined, later: Match | undefined): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    (earlier?.methods === undefined || same(earlier.methods, later?.methods)) &&
    (earlier?.headers === undefined || same(earlier.headers, later?.headers)) &&
    (earlier?.query === undefined || same(earlier.query, later?.query))
  );
}

/** Can `earlier` take every request `later` would match? (Conservative: only sure cases.) */
function shadows(earlier: RouteConfig, later: RouteConfig): boolean {
  return (
    hostsCovered(earlier.match, later.match) &&
    pathsCovered(earlier.match, later.match) &&
    noOtherConditions(earlier.match, later.match)
  );
}

export function routeWarnings(config: HeliosConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const routes = config.routes;
  routes.forEach((route, index) => {
    for (let i = 0; i < index; i++) {
      const earlier = routes[i] as RouteConfig;
      if (!shadows(earlier, route)) continue;
      const catchAll = earlier.match === undefined;
      warnings.push({
        path: ['routes', index],
        message: catchAll
          ? `${label(route, index)} can never match: ${label(earlier, i)} before it matches every request`
          : `${label(route, index)} can never match: ${label(earlier, i)} before it matches everything it would`,
      });
      break;
    }
  });
  const used = new Set(routes.map((r) => r.pool).filter((p) => p !== undefined));
  for (const name of Object.keys(config.pools)) {
    if (used.has(name)) continue;
    warnings.push({
      path: name === 'default' && config.backends !== undefined ? ['backends'] : ['pools', name],
      message: `pool \`${name}\` is not used by any route: its backends get no traffic (and are still health-checked)`,
    });
  }
  return warnings;
}
