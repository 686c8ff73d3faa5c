/**
 * Pools and routes end to end: one Helios in front of several services, a request's host, path,
 * method, headers and query choosing the route, first match in file order, and each pool
 * balanced, checked, retried and limited on its own.
 */
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendView } from '../src/backend.js';
import { resolveConfig } from '../src/config/parse.js';
import type { HeliosConfig } from '../src/config/types.js';
import { createProxy, type HeliosProxy } from '../src/proxy.js';
import type { RequestRecord } from '../src/request-record.js';
import type { PickRequest, Strategy } from '../src/strategy.js';
import { send } from './helpers/client.js';
import { waitFor } from './helpers/harness.js';
import { type HealthRecorder, recordHealth } from './helpers/health-recorder.js';
import { rawExchange } from './helpers/raw-http.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { openWebSocket } from './helpers/websocket.js';

const fleets: Fleet[] = [];
const proxies: HeliosProxy[] = [];
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.close();
  for (const fleet of fleets.splice(0)) await fleet.close();
});

async function fleet(count: number, behaviour = {}): Promise<Fleet> {
  const f = await startBackends({ count, behaviour: { echo: true, ...behaviour } });
  fleets.push(f);
  return f;
}

interface Routed {
  port: number;
  proxy: HeliosProxy;
  health: Record<string, HealthRecorder>;
  strategies: Record<string, Strategy>;
  ends: RequestRecord[];
}

function routedConfig(input: Record<string, unknown>): HeliosConfig {
  return resolveConfig(
    {
      port: 0,
      host: '127.0.0.1',
      health: { passive: { enabled: false }, active: { enabled: false } },
      ...input,
    },
    'routing.test',
  );
}

async function routed(input: Record<string, unknown>): Promise<Routed> {
  const health: Record<string, HealthRecorder> = {};
  const strategies: Record<string, Strategy> = {};
  const proxy = createProxy({
    config: routedConfig(input),
    createStrategy: (pool) => {
      const s = new TestRoundRobin();
      strategies[pool.name] = s;
      return s;
    },
    createHealth: (pool) => {
      const r = recordHealth();
      health[pool.name] = r;
      return r;
    },
  });
  proxies.push(proxy);
  const ends: RequestRecord[] = [];
  proxy.on('request:end', (r: RequestRecord) => ends.push({ ...r }));
  const { port } = await proxy.listen();
  return { port, proxy, health, strategies, ends };
}

interface Echo {
  backend: number;
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body: string;
}

async function get(
  port: number,
  path = '/',
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{
  status: number;
  echo: Echo | undefined;
  text: string;
  headers: Record<string, unknown>;
}> {
  const res = await send(port, { path, headers, method, body });
  let echo: Echo | undefined;
  try {
    echo = JSON.parse(res.text) as Echo;
  } catch {
    echo = undefined;
  }
  return { status: res.status, echo, text: res.text, headers: res.headers };
}

describe('route matching', () => {
  it('matches exact hosts, wildcards at any depth (not the apex), lists; case and port ignored', async () => {
    const api = await fleet(1);
    const web = await fleet(1);
    const other = await fleet(1);
    const { port } = await routed({
      pools: {
        api: { backends: api.urls },
        web: { backends: web.urls },
        other: { backends: other.urls },
      },
      routes: [
        { match: { host: 'api.example.com' }, pool: 'api' },
        { match: { host: '*.example.com' }, pool: 'web' },
        { match: { host: ['a.test', 'b.test'] }, pool: 'other' },
      ],
    });
    expect((await get(port, '/', { host: 'API.Example.COM:8443' })).status).toBe(200);
    expect(api.backend(1).stats.requests).toBe(1);
    await get(port, '/', { host: 'www.example.com' });
    await get(port, '/', { host: 'a.b.example.com' });
    expect(web.backend(1).stats.requests).toBe(2);
    expect((await get(port, '/', { host: 'example.com' })).status).toBe(404);
    await get(port, '/', { host: 'b.test' });
    expect(other.backend(1).stats.requests).toBe(1);
  });

  it('matches exact paths, segment-aware prefixes, regexes, methods, headers and query', async () => {
    const f = await fleet(7);
    const pools = Object.fromEntries(f.urls.map((url, i) => [`p${i}`, { backends: [url] }]));
    const { port } = await routed({
      pools,
      routes: [
        { match: { path: '/exact' }, pool: 'p0' },
        { match: { pathPrefix: '/v1' }, pool: 'p1' },
        { match: { pathRegex: '^/u/[0-9]+$' }, pool: 'p2' },
        { match: { methods: ['DELETE'] }, pool: 'p3' },
        { match: { headers: { 'x-canary': '1' } }, pool: 'p4' },
        { match: { query: { debug: '1' } }, pool: 'p5' },
        { pool: 'p6' },
      ],
    });
    const backendOf = async (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      (await get(port, path, headers, method)).echo?.backend;
    expect(await backendOf('/exact')).toBe(1);
    expect(await backendOf('/exact/more')).toBe(7);
    expect(await backendOf('/v1')).toBe(2);
    expect(await backendOf('/v1/users?x=1')).toBe(2);
    expect(await backendOf('/v10')).toBe(7);
    expect(await backendOf('/u/42')).toBe(3);
    expect(await backendOf('/u/42x')).toBe(7);
    expect(await backendOf('/anything', {}, 'DELETE')).toBe(4);
    expect(await backendOf('/anything', { 'X-Canary': '1' })).toBe(5);
    expect(await backendOf('/anything', { 'x-canary': '2' })).toBe(7);
    expect(await backendOf('/anything?debug=1')).toBe(6);
    expect(await backendOf('/anything?debug=0')).toBe(7);
  });

  it('takes the first match in file order', async () => {
    const f = await fleet(2);
    const { port, ends } = await routed({
      pools: { first: { backends: [f.urls[0]] }, second: { backends: [f.urls[1]] } },
      routes: [
        { name: 'broad', match: { pathPrefix: '/a' }, pool: 'first' },
        { name: 'narrow', match: { path: '/a/b' }, pool: 'second' },
      ],
    });
    expect((await get(port, '/a/b')).echo?.backend).toBe(1);
    await waitFor(() => ends.length === 1, 2_000, 'request:end');
    expect(ends[0]).toMatchObject({ route: 'broad', pool: 'first' });
  });

  it('answers 404 when no route matches, naming nothing internal', async () => {
    const f = await fleet(1);
    const { port, ends } = await routed({
      pools: { api: { backends: f.urls } },
      routes: [{ match: { host: 'api.example.com' }, pool: 'api' }],
    });
    const res = await get(port, '/secret', { host: 'other.example.com' });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('api');
    expect(res.text).not.toContain('127.0.0.1');
    expect(res.text).toContain('HELIOS_NO_ROUTE');
    expect(f.backend(1).stats.requests).toBe(0);
    await waitFor(() => ends.length === 1, 2_000, 'request:end');
    expect(ends[0]?.route).toBeUndefined();
  });

  it('refuses dot segments when a route reads the path, in every spelling', async () => {
    const f = await fleet(2);
    const { port } = await routed({
      pools: { public: { backends: [f.urls[0]] }, admin: { backends: [f.urls[1]] } },
      routes: [
        { match: { pathPrefix: '/public' }, pool: 'public' },
        { match: { pathPrefix: '/admin' }, pool: 'admin' },
      ],
    });
    for (const path of ['/public/../admin', '/public/%2e%2e/admin', '/public%2f..%2fadmin']) {
      const raw = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      expect(raw).toContain('HELIOS_DOT_SEGMENT');
    }
    expect(f.backend(1).stats.requests + f.backend(2).stats.requests).toBe(0);
    expect((await get(port, '/public/.well-known/x')).status).toBe(200);
  });
});

describe('what a route does', () => {
  it('strips a matched prefix and keeps the query', async () => {
    const f = await fleet(1);
    const { port } = await routed({
      pools: { api: { backends: f.urls } },
      routes: [{ match: { pathPrefix: '/v1/' }, pool: 'api', stripPrefix: true }],
    });
    expect((await get(port, '/v1/users?x=1&y=2')).echo?.url).toBe('/users?x=1&y=2');
    expect((await get(port, '/v1')).echo?.url).toBe('/');
    expect((await get(port, '/v1?q')).echo?.url).toBe('/?q');
  });

  it('rewrites request and response headers, with placeholders', async () => {
    const f = await fleet(1);
    const { port } = await routed({
      pools: { api: { backends: f.urls } },
      routes: [
        {
          pool: 'api',
          requestHeaders: {
            set: { 'x-env': 'prod', 'x-seen-host': '{host}', 'x-where': '{scheme}://{host}{uri}' },
            add: { 'x-tag': 'a' },
            remove: ['x-debug'],
          },
          responseHeaders: { set: { 'x-served-by': 'helios {request_id}' }, remove: ['x-backend'] },
        },
      ],
    });
    const res = await get(port, '/p?q=1', {
      host: 'shop.example:8080',
      'x-env': 'client-set',
      'x-tag': 'client',
      'x-debug': '1',
    });
    const h = res.echo?.headers ?? {};
    expect(h['x-env']).toBe('prod');
    expect(h['x-seen-host']).toBe('shop.example');
    expect(h['x-where']).toBe('http://shop.example/p?q=1');
    expect(h['x-tag']).toBe('client, a');
    expect(h['x-debug']).toBeUndefined();
    expect(res.headers['x-backend']).toBeUndefined();
    expect(res.headers['x-served-by']).toBe(`helios ${String(res.headers['x-request-id'])}`);
  });

  it('redirects with the default 308 or the given status, placeholders filled', async () => {
    const f = await fleet(1);
    const { port } = await routed({
      pools: { web: { backends: f.urls } },
      routes: [
        { match: { path: '/old' }, redirect: { to: 'https://{host}/new{query}', status: 301 } },
        { match: { pathPrefix: '/moved' }, redirect: { to: '/elsewhere{path}' } },
        { pool: 'web' },
      ],
    });
    const a = await get(port, '/old?x=1', { host: 'shop.example:8080' });
    expect(a.status).toBe(301);
    expect(a.headers.location).toBe('https://shop.example/new?x=1');
    const b = await get(port, '/moved/page');
    expect(b.status).toBe(308);
    expect(b.headers.location).toBe('/elsewhere/moved/page');
    expect(f.backend(1).stats.requests).toBe(0);
  });

  it('answers a fixed response by itself', async () => {
    const f = await fleet(1);
    const { port } = await routed({
      pools: { web: { backends: f.urls } },
      routes: [
        {
          match: { pathPrefix: '/blocked' },
          respond: { status: 403, body: 'forbidden\n', headers: { 'content-type': 'text/plain' } },
        },
        { match: { path: '/robots.txt' }, respond: { status: 200, body: 'User-agent: *\n' } },
        { pool: 'web' },
      ],
    });
    const blocked = await get(port, '/blocked/x');
    expect(blocked.status).toBe(403);
    expect(blocked.text).toBe('forbidden\n');
    expect(blocked.headers['content-type']).toBe('text/plain');
    const robots = await get(port, '/robots.txt');
    expect(robots.text).toBe('User-agent: *\n');
    expect(robots.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(f.backend(1).stats.requests).toBe(0);
    // A body sent to a fixed answer is not read: the connection closes after it.
    const post = await send(port, { path: '/blocked', method: 'POST', body: 'x'.repeat(100) });
    expect(post.status).toBe(403);
  });

  it('routes WebSocket handshakes like any request', async () => {
    const ws1 = await startBackends({ count: 1 });
    fleets.push(ws1);
    const other = await fleet(1);
    const { port } = await routed({
      pools: { sockets: { backends: ws1.urls }, web: { backends: other.urls } },
      routes: [{ match: { pathPrefix: '/ws' }, pool: 'sockets' }, { pool: 'web' }],
    });
    const ws = await openWebSocket(port, '/ws');
    expect(ws.head).toMatch(/^HTTP\/1\.1 101/);
    ws.send('hi');
    expect(await ws.next()).toBe('hi');
    ws.socket.destroy();
    expect(other.backend(1).stats.requests).toBe(0);
  });
});

describe('each pool on its own', () => {
  it('one pool’s outage leaves another untouched', async () => {
    const api = await fleet(2);
    const web = await fleet(2);
    const { port, health } = await routed({
      pools: { api: { backends: api.urls }, web: { backends: web.urls } },
      routes: [{ match: { pathPrefix: '/api' }, pool: 'api' }, { pool: 'web' }],
    });
    await api.close();
    fleets.splice(fleets.indexOf(api), 1);
    for (let i = 0; i < 4; i++) expect((await get(port, '/api/x')).status).toBe(502);
    for (let i = 0; i < 4; i++) expect((await get(port, '/page')).status).toBe(200);
    expect(health.api?.failures().length).toBeGreaterThan(0);
    expect(health.web?.verdicts.length).toBe(4);
    expect(health.web?.failures()).toEqual([]);
  });

  it('balances each pool with its own strategy, and counts retries against its own budget', async () => {
    const a = await fleet(2);
    const b = await fleet(3);
    const first: Strategy = {
      name: 'first',
      update(backends: readonly BackendView[]) {
        this.backends = backends;
      },
      backends: [] as readonly BackendView[],
      pick(_r: PickRequest) {
        return this.backends[0];
      },
    } as Strategy & { backends: readonly BackendView[] };
    const proxy = createProxy({
      config: routedConfig({
        pools: { a: { backends: a.urls }, b: { backends: b.urls } },
        routes: [{ match: { pathPrefix: '/a' }, pool: 'a' }, { pool: 'b' }],
      }),
      createStrategy: (pool) => (pool.name === 'a' ? first : new TestRoundRobin()),
    });
    proxies.push(proxy);
    const { port } = await proxy.listen();
    for (let i = 0; i < 4; i++) await get(port, '/a');
    for (let i = 0; i < 6; i++) await get(port, '/b');
    expect([a.backend(1).stats.requests, a.backend(2).stats.requests]).toEqual([4, 0]);
    expect(b.backends.map((x) => x.stats.requests)).toEqual([2, 2, 2]);
  });

  it('applies per-pool timeouts, retries and body limits over the top-level ones', async () => {
    const slow = await fleet(1, { latency: 1_500 });
    const fast = await fleet(1);
    const { port } = await routed({
      timeouts: { response: '30s' },
      limits: { maxBodySize: '1MB' },
      pools: {
        slow: { backends: slow.urls, timeouts: { response: '200ms' } },
        small: { backends: fast.urls, limits: { maxBodySize: 10 } },
      },
      routes: [{ match: { pathPrefix: '/slow' }, pool: 'slow' }, { pool: 'small' }],
    });
    expect((await get(port, '/slow')).status).toBe(504);
    expect((await get(port, '/x', {}, 'POST', '0123456789')).status).toBe(200);
    expect((await get(port, '/x', {}, 'POST', '0123456789A')).status).toBe(413);
  });
});

describe('reloading routes and pools', () => {
  it('swaps routes under load with no failed request; unchanged pools keep their backends', async () => {
    const api = await fleet(2);
    const web = await fleet(2);
    const configA = routedConfig({
      pools: { api: { backends: api.urls }, web: { backends: web.urls } },
      routes: [{ match: { pathPrefix: '/api' }, pool: 'api' }, { pool: 'web' }],
    });
    const configB = routedConfig({
      pools: { api: { backends: api.urls }, web: { backends: web.urls } },
      routes: [
        { match: { pathPrefix: '/api' }, pool: 'api', stripPrefix: true },
        { match: { path: '/gone' }, respond: { status: 410 } },
        { pool: 'web' },
      ],
    });
    const { port, proxy } = await routed({
      pools: { api: { backends: api.urls }, web: { backends: web.urls } },
      routes: [{ match: { pathPrefix: '/api' }, pool: 'api' }, { pool: 'web' }],
    });
    const before = proxy.backends.slice();
    let stop = false;
    const statuses: number[] = [];
    const loop = (async () => {
      while (!stop) {
        const [x, y] = await Promise.all([get(port, '/api/x'), get(port, '/page')]);
        statuses.push(x.status, y.status);
      }
    })();
    // Each swap waits for traffic that went through the previous config, not for a guessed time.
    for (let i = 0; i < 20; i++) {
      const seen = statuses.length;
      await waitFor(() => statuses.length > seen, 5_000, 'requests between two reloads');
      proxy.reload(i % 2 === 0 ? configB : configA);
    }
    stop = true;
    await loop;
    expect(statuses.length).toBeGreaterThanOrEqual(40);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Same Backend objects (health, in-flight) after twenty swaps.
    expect(proxy.backends).toEqual(before);
    expect(proxy.backends.every((b, i) => b === before[i])).toBe(true);
  });

  it('keeps a pool’s strategy across a reload unless the pool’s strategy section changed', async () => {
    const api = await fleet(2);
    const web = await fleet(1);
    const input = (apiBackends: readonly string[], webStrategy: string) => ({
      pools: {
        api: { backends: apiBackends },
        web: { backends: web.urls, strategy: webStrategy },
      },
      routes: [{ match: { pathPrefix: '/api' }, pool: 'api' }, { pool: 'web' }],
    });
    const { port, proxy, strategies } = await routed(input(api.urls, 'round-robin'));
    const apiStrategy = strategies.api as TestRoundRobin;
    const webStrategy = strategies.web as TestRoundRobin;

    // New backends for api, nothing new for web: both keep their strategy; api's learns the set.
    proxy.reload(routedConfig(input(api.urls.slice(1), 'round-robin')));
    expect(strategies.api).toBe(apiStrategy);
    expect(strategies.web).toBe(webStrategy);
    expect(apiStrategy.updates).toBe(2);
    for (let i = 0; i < 3; i++) expect((await get(port, '/api/x')).echo?.backend).toBe(2);

    // web's strategy section changed: web gets a new one, api still keeps its own.
    proxy.reload(routedConfig(input(api.urls.slice(1), 'random')));
    expect(strategies.web).not.toBe(webStrategy);
    expect(strategies.api).toBe(apiStrategy);
    expect((await get(port, '/page')).status).toBe(200);
    const starts = (s: TestRoundRobin) => s.calls.filter((c) => c.kind === 'start').length;
    expect(starts(strategies.web as TestRoundRobin)).toBe(1);
    expect(webStrategy.calls.length).toBe(0);
  });

  it('adds and removes pools on reload, and closes the health hooks of a removed pool', async () => {
    const api = await fleet(1);
    const web = await fleet(1);
    const { port, proxy, health } = await routed({
      pools: { api: { backends: api.urls }, web: { backends: web.urls } },
      routes: [{ match: { pathPrefix: '/api' }, pool: 'api' }, { pool: 'web' }],
    });
    let closed = false;
    const apiHealth = health.api as HealthRecorder;
    apiHealth.close = () => {
      closed = true;
    };
    proxy.reload(
      routedConfig({ pools: { web: { backends: web.urls } }, routes: [{ pool: 'web' }] }),
    );
    expect(closed).toBe(true);
    expect((await get(port, '/api/x')).echo?.backend).toBe(1);
    expect(api.backend(1).stats.requests).toBe(0);
    expect(web.backend(1).stats.requests).toBe(1);
  });
});
