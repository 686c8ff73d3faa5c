/** The compiled route table: first match in file order, whatever buckets it was sorted into. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeHost, parseHostPattern } from '../src/routing/host-pattern.js';
import {
  hasDotSegment,
  hasPathPrefix,
  normalizePrefix,
  stripPathPrefix,
} from '../src/routing/route-path.js';
import { type RouteConditions, type RouteRequest, RouteTable } from '../src/routing/route-table.js';

interface TestRoute {
  index: number;
  conditions: RouteConditions;
}

function route(index: number, c: Partial<Record<string, unknown>> = {}): TestRoute {
  const hosts =
    c.host === undefined ? undefined : ([c.host].flat() as string[]).map(parseHostPattern);
  return {
    index,
    conditions: {
      hosts,
      path: c.path as string | undefined,
      pathPrefix: c.pathPrefix === undefined ? undefined : normalizePrefix(c.pathPrefix as string),
      pathRegex: c.pathRegex === undefined ? undefined : new RegExp(c.pathRegex as string),
      methods: c.methods === undefined ? undefined : new Set(c.methods as string[]),
      headers: c.headers as [string, string][] | undefined,
      query: c.query as [string, string][] | undefined,
    },
  };
}

function req(
  host: string,
  target: string,
  method = 'GET',
  headers: Record<string, string> = {},
): RouteRequest {
  const q = target.indexOf('?');
  const params = new URLSearchParams(q === -1 ? '' : target.slice(q + 1));
  return {
    routeHost: normalizeHost(host),
    pathOnly: q === -1 ? target : target.slice(0, q),
    method,
    header: (name) => headers[name],
    queryParam: (name) => params.get(name) ?? undefined,
  };
}

/** The reference: try every route in order (what the table must agree with). */
function linear(routes: readonly TestRoute[], r: RouteRequest): TestRoute | undefined {
  return routes.find((x) => {
    const c = x.conditions;
    if (
      c.hosts &&
      !c.hosts.some((p) =>
        p.kind === 'exact'
          ? r.routeHost === p.name
          : r.routeHost.length > p.name.length && r.routeHost.endsWith(p.name),
      )
    )
      return false;
    if (c.path !== undefined && r.pathOnly !== c.path) return false;
    if (c.pathPrefix !== undefined && !hasPathPrefix(r.pathOnly, c.pathPrefix)) return false;
    if (c.pathRegex && !c.pathRegex.test(r.pathOnly)) return false;
    if (c.methods && !c.methods.has(r.method)) return false;
    if (c.headers && !c.headers.every(([n, v]) => r.header(n) === v)) return false;
    if (c.query && !c.query.every(([n, v]) => r.queryParam(n) === v)) return false;
    return true;
  });
}

describe('host patterns and paths', () => {
  it('normalizes hosts: case, port and trailing dot', () => {
    expect(normalizeHost('API.Example.com.:8443')).toBe('api.example.com');
    expect(normalizeHost('[::1]:80')).toBe('[::1]');
    expect(normalizeHost('')).toBe('');
  });

  it('matches prefixes by whole segments', () => {
    expect(hasPathPrefix('/v1', '/v1')).toBe(true);
    expect(hasPathPrefix('/v1/x', '/v1')).toBe(true);
    expect(hasPathPrefix('/v10', '/v1')).toBe(false);
    expect(hasPathPrefix('/anything', '/')).toBe(true);
    expect(normalizePrefix('/v1/')).toBe('/v1');
  });

  it('strips a prefix and keeps the query', () => {
    expect(stripPathPrefix('/v1/users?x=1', '/v1')).toBe('/users?x=1');
    expect(stripPathPrefix('/v1', '/v1')).toBe('/');
    expect(stripPathPrefix('/v1?x', '/v1')).toBe('/?x');
    expect(stripPathPrefix('/a/b', '/')).toBe('/a/b');
  });

  it('finds dot segments in every spelling', () => {
    for (const p of [
      '/a/../b',
      '/a/./b',
      '/..',
      '/a/%2e%2e/b',
      '/a/%2E./b',
      '/a%2f..%2fb',
      '/a\\..\\b',
    ])
      expect(hasDotSegment(p)).toBe(true);
    for (const p of ['/a/b', '/a..b', '/.well-known/x', '/a/...', '/%2e%2ex'])
      expect(hasDotSegment(p)).toBe(false);
  });
});

describe('RouteTable', () => {
  const routes = [
    route(0, { host: 'api.example.com', pathPrefix: '/v1' }),
    route(1, { host: '*.example.com', path: '/exact' }),
    route(2, { pathPrefix: '/static' }),
    route(3, { host: ['a.test', 'b.test'], methods: ['POST'] }),
    route(4, { headers: [['x-canary', '1']] }),
    route(5, { query: [['debug', '1']], pathRegex: '^/u/[0-9]+$' }),
    route(6, { host: '*.b.example.com' }),
    route(7, {}),
  ];
  const table = new RouteTable(routes);
  const at = (r: RouteRequest) => table.match(r)?.index;

  it('matches each kind of condition, first match in file order', () => {
    expect(at(req('API.example.com:443', '/v1/users'))).toBe(0);
    expect(at(req('api.example.com', '/v10'))).toBe(7);
    expect(at(req('x.example.com', '/exact'))).toBe(1);
    expect(at(req('example.com', '/exact'))).toBe(7); // the apex is not a subdomain
    expect(at(req('api.example.com', '/exact'))).toBe(1); // exact host bucket includes wildcards
    expect(at(req('any', '/static/app.js'))).toBe(2);
    expect(at(req('b.test', '/', 'POST'))).toBe(3);
    expect(at(req('b.test', '/', 'GET'))).toBe(7);
    expect(at(req('z', '/', 'GET', { 'x-canary': '1' }))).toBe(4);
    expect(at(req('z', '/u/42?debug=1'))).toBe(5);
    expect(at(req('z', '/u/42?debug=0'))).toBe(7);
    expect(at(req('deep.b.example.com', '/exact'))).toBe(1); // two wildcards: file order
    expect(at(req('deep.b.example.com', '/other'))).toBe(6);
    expect(at(req('', '/'))).toBe(7);
  });

  it('tries a regex with a literal first segment only for paths in that segment', () => {
    let tested = 0;
    class CountingRegExp extends RegExp {
      override test(input: string): boolean {
        tested++;
        return super.test(input);
      }
    }
    const counted = (index: number, source: string, flags = ''): TestRoute => {
      const r = route(index);
      return {
        index,
        conditions: { ...r.conditions, pathRegex: new CountingRegExp(source, flags) },
      };
    };
    const t = new RouteTable([
      counted(0, '^/users/[0-9]+$'),
      counted(1, '^/orders$'),
      counted(2, '^/(users|orders)/x'), // no literal segment: tried everywhere
      counted(3, '^/users/', 'i'), // case-insensitive: tried everywhere
      counted(4, '^/admin/|^/backoffice'), // alternation: the anchor binds the first branch only
      route(5),
    ]);
    expect(t.match(req('h', '/small'))?.index).toBe(5);
    expect(tested).toBe(3);
    tested = 0;
    expect(t.match(req('h', '/users/42'))?.index).toBe(0);
    expect(tested).toBe(1);
    expect(t.match(req('h', '/orders'))?.index).toBe(1);
    expect(t.match(req('h', '/USERS/1'))?.index).toBe(3);
    expect(t.match(req('h', '/backoffice'))?.index).toBe(4);
  });

  it('answers undefined when nothing matches (no catch-all)', () => {
    const t = new RouteTable([route(0, { host: 'a.test' })]);
    expect(t.match(req('b.test', '/'))).toBeUndefined();
  });

  it('agrees with trying every route in order, for any routes and requests', () => {
    const host = fc.constantFrom('a.test', 'b.test', 'x.a.test', 'y.x.a.test', 'c.test');
    const pattern = fc.constantFrom('a.test', 'b.test', '*.a.test', '*.x.a.test', 'c.test');
    const path = fc.constantFrom(
      '/',
      '/v1',
      '/v1/x',
      '/v10',
      '/s',
      '/s/t',
      '/u/1',
      '/v1x/',
      '/V1/',
    );
    // Regexes a literal first segment can be read from, and the ones it cannot (optional slash,
    // alternation, quantified literal, unanchored, escaped slashes).
    const regex = fc.constantFrom(
      '^/v1/',
      '^/v1$',
      '^/v1/?$',
      '^/v1/?',
      '^/s|^/u',
      '^/v1/|^/s',
      '^/v1x?/',
      '^\\/v1\\/',
      '/v1',
      '^/u/[0-9]+$',
      '^/v1/*',
    );
    const cond = fc.record(
      {
        host: fc.oneof(pattern, fc.array(pattern, { minLength: 1, maxLength: 2 })),
        path: path,
        pathPrefix: path,
        pathRegex: regex,
        methods: fc.constant(['POST']),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(cond, { maxLength: 12 }),
        fc.array(fc.tuple(host, path, fc.constantFrom('GET', 'POST')), {
          minLength: 1,
          maxLength: 10,
        }),
        (conds, requests) => {
          const rs = conds.map((c, i) => route(i, c as Record<string, unknown>));
          const t = new RouteTable(rs);
          for (const [h, p, m] of requests) {
            const r = req(h, p, m);
            expect(t.match(r)?.index).toBe(linear(rs, r)?.index);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
