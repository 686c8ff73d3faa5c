/**
 * The compiled routes of one config: first match in file order, found without trying every
 * route. Routes are bucketed by host (exact names in a map, `*.suffix` patterns by suffix,
 * host-less routes everywhere) and, inside a bucket, by the first path segment their path
 * condition needs. A request looks up its host and first segment, then checks the few routes
 * left, in file order. Buckets are built once per config; a lookup allocates nothing unless two
 * wildcard patterns match the same host.
 */
import { type HostPattern, hostMatches } from './host-pattern.js';
import { hasPathPrefix } from './route-path.js';

/** What routing reads from a request. */
export interface RouteRequest {
  /** Normalized host (see host-pattern.ts); '' when the request has none. */
  readonly routeHost: string;
  /** Path without the query, as sent. */
  readonly pathOnly: string;
  readonly method: string;
  /** First value of a request header, by lower-case name. */
  header(name: string): string | undefined;
  /** First value of a query parameter (decoded), by name. */
  queryParam(name: string): string | undefined;
}

/** The conditions of one route; every one given must hold. */
export interface RouteConditions {
  readonly hosts: readonly HostPattern[] | undefined;
  readonly path: string | undefined;
  /** Normalized (no trailing slash). */
  readonly pathPrefix: string | undefined;
  readonly pathRegex: RegExp | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  /** Lower-case name, exact value. */
  readonly headers: readonly (readonly [string, string])[] | undefined;
  readonly query: readonly (readonly [string, string])[] | undefined;
}

export interface Routable {
  readonly index: number;
  readonly conditions: RouteConditions;
}

interface Bucket<R> {
  /** Routes whose path needs this first segment, merged with `generic`, in file order. */
  readonly bySegment: ReadonlyMap<string, readonly R[]>;
  /** Routes that do not depend on the first segment. */
  readonly generic: readonly R[];
}

export class RouteTable<R extends Routable> {
  readonly routes: readonly R[];
  readonly #exact: ReadonlyMap<string, Bucket<R>>;
  /** Keyed by suffix including its dot: `.example.com`. */
  readonly #suffix: ReadonlyMap<string, Bucket<R>>;
  readonly #suffixOnly: ReadonlyMap<string, readonly R[]>;
  readonly #hostless: Bucket<R>;
  readonly #hostlessRoutes: readonly R[];

  constructor(routes: readonly R[]) {
    this.routes = routes;
    const hostless = routes.filter((r) => r.conditions.hosts === undefined);
    const byExact = new Map<string, R[]>();
    const bySuffix = new Map<string, R[]>();
    for (const route of routes) {
      for (const pattern of route.conditions.hosts ?? []) {
        const map = pattern.kind === 'exact' ? byExact : bySuffix;
        const list = map.get(pattern.name) ?? [];
        if (!list.includes(route)) list.push(route);
        map.set(pattern.name, list);
      }
    }
    const exact = new Map<string, Bucket<R>>();
    for (const [host, list] of byExact) {
      // Wildcard routes that also cover this exact host belong to its bucket.
      const wild = routes.filter((r) =>
        (r.conditions.hosts ?? []).some((p) => p.kind === 'suffix' && hostMatches(p, host)),
      );
      exact.set(host, bucket(merge(list, wild, hostless)));
    }
    const suffix = new Map<string, Bucket<R>>();
    for (const [name, list] of bySuffix) suffix.set(name, bucket(merge(list, hostless)));
    this.#exact = exact;
    this.#suffix = suffix;
    this.#suffixOnly = bySuffix;
    this.#hostless = bucket(hostless);
    this.#hostlessRoutes = hostless;
  }

  /** The first route, in file order, whose conditions all hold; `undefined` when none does. */
  match(request: RouteRequest): R | undefined {
    const host = request.routeHost;
    // Read once: `pathOnly` is computed on each read, and every candidate route needs it.
    const path = request.pathOnly;
    const exact = this.#exact.get(host);
    if (exact !== undefined) return firstMatch(exact, request, path);
    if (this.#suffix.size === 0 || host === '') return firstMatch(this.#hostless, request, path);
    // Walk the host's suffixes, most specific first: a.b.example.com → .b.example.com, ...
    let first: string | undefined;
    let more: string[] | undefined;
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      const key = host.slice(dot);
      if (!this.#suffix.has(key)) continue;
      if (first === undefined) {
        first = key;
      } else {
        more ??= [first];
        more.push(key);
      }
    }
    if (first === undefined) return firstMatch(this.#hostless, request, path);
    if (more === undefined) return firstMatch(this.#suffix.get(first) as Bucket<R>, request, path);
    // Rare: several wildcard patterns cover this host; merge them in file order.
    const lists = more.map((key) => this.#suffixOnly.get(key) ?? []);
    return firstIn(merge(...lists, this.#hostlessRoutes), request, path);
  }
}

function firstMatch<R extends Routable>(
  b: Bucket<R>,
  request: RouteRequest,
  path: string,
): R | undefined {
  const list =
    b.bySegment.size === 0 ? b.generic : (b.bySegment.get(firstSegment(path)) ?? b.generic);
  return firstIn(list, request, path);
}

function firstIn<R extends Routable>(
  list: readonly R[],
  request: RouteRequest,
  path: string,
): R | undefined {
  for (let i = 0; i < list.length; i++) {
    const route = list[i] as R;
    if (conditionsHold(route.conditions, request, path)) return route;
  }
  return undefined;
}

/** Everything but the host, which the bucket already settled. */
function conditionsHold(c: RouteConditions, request: RouteRequest, path: string): boolean {
  if (c.path !== undefined && path !== c.path) return false;
  if (c.pathPrefix !== undefined && !hasPathPrefix(path, c.pathPrefix)) return false;
  if (c.pathRegex !== undefined && !c.pathRegex.test(path)) return false;
  if (c.methods !== undefined && !c.methods.has(request.method)) return false;
  if (c.headers !== undefined) {
    for (const [name, value] of c.headers) if (request.header(name) !== value) return false;
  }
  if (c.query !== undefined) {
    for (const [name, value] of c.query) if (request.queryParam(name) !== value) return false;
  }
  return true;
}

/** `/v1/users` → `v1`; `/` → ''. */
export function firstSegment(path: string): string {
  const slash = path.indexOf('/', 1);
  return slash === -1 ? path.slice(1) : path.slice(1, slash);
}

/** The first segment a route's path condition requires, or `undefined` if it needs none. */
function requiredSegment(c: RouteConditions): string | undefined {
  const path = c.path ?? c.pathPrefix;
  if (path === undefined) return c.pathRegex === undefined ? undefined : regexSegment(c.pathRegex);
  if (path === '/') return undefined;
  // An exact path `/` needs the empty segment; a prefix `/v1` needs `v1`.
  return firstSegment(path);
}

/** `^/` + a literal first segment + a mandatory `/` (or `\/`) or the end `$`. */
const LITERAL_FIRST_SEGMENT = /^\^(?:\/|\\\/)([A-Za-z0-9_~-]+)(?:\/|\\\/|\$)(?![?*{])/;

/**
 * The first segment a path regex can only match with, when its source says so plainly: anchored
 * at the start, a literal segment, then a slash or the end that no quantifier makes optional
 * (`^/users/[0-9]+$` needs `users`). Regexes with alternation or flags that change what the
 * literal matches are left generic, so they are tried on every request as before.
 */
function regexSegment(regex: RegExp): string | undefined {
  if (regex.flags.includes('i') || regex.flags.includes('m') || regex.source.includes('|')) {
    return undefined;
  }
  return LITERAL_FIRST_SEGMENT.exec(regex.source)?.[1];
}

function bucket<R extends Routable>(routes: readonly R[]): Bucket<R> {
  const generic = routes.filter((r) => requiredSegment(r.conditions) === undefined);
  const segments = new Set<string>();
  for (const r of routes) {
    const s = requiredSegment(r.conditions);
    if (s !== undefined) segments.add(s);
  }
  const bySegment = new Map<string, readonly R[]>();
  for (const segment of segments) {
    bySegment.set(
      segment,
      routes.filter((r) => {
        const s = requiredSegment(r.conditions);
        return s === undefined || s === segment;
      }),
    );
  }
  return { bySegment, generic };
}

/** Union of route lists, in file order, without repeats. */
function merge<R extends Routable>(...lists: (readonly R[])[]): R[] {
  const seen = new Set<R>();
  const out: R[] = [];
  for (const list of lists) {
    for (const r of list) {
      if (seen.has(r)) continue;
      seen.add(r);
      out.push(r);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
