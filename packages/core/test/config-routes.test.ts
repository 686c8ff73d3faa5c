/**
 * `pools:` and `routes:` in helios.yaml: how they resolve (what a pool inherits, what a config
 * with only `backends` becomes), every mistake reported with its position and a way out, and
 * the warnings for routes that can never match and pools nothing uses.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigDetailed } from '../src/config/parse.js';
import { configIssues, where } from './helpers/config-issues.js';
import { testCatalog } from './helpers/strategy-catalog.js';

/** helios.yaml text: `port: 8080` on line 1, then `lines`. */
function yaml(lines: string[]): string {
  return `${['port: 8080', ...lines].join('\n')}\n`;
}

const twoPools = [
  'pools:',
  '  api:',
  '    backends: [http://127.0.0.1:9001]',
  '  web:',
  '    backends: [http://127.0.0.1:9101]',
];

describe('pools', () => {
  it('a config with only backends is one pool, default, with one catch-all route', () => {
    const config = parseConfig(
      yaml(['strategy: least-connections', 'backends: [http://127.0.0.1:9001]']),
      'helios.yaml',
      {},
    );
    expect(Object.keys(config.pools)).toEqual(['default']);
    expect(config.pools.default?.backends).toEqual(config.backends);
    expect(config.pools.default?.strategy).toEqual(config.strategy);
    expect(config.routes).toEqual([{ pool: 'default', stripPrefix: false }]);
  });

  it('inherit the top-level settings, replace whole sections, and override timeouts and limits key by key', () => {
    const config = parseConfig(
      yaml([
        'strategy: least-connections',
        'retries: 3',
        'timeouts: { connect: 2s, response: 20s, upstreamIdle: 30s, clientBody: 7s }',
        'limits: { maxBodySize: 5MB, bodyBuffer: 8KB }',
        'pools:',
        '  api:',
        '    backends: [http://127.0.0.1:9001]',
        '    strategy: { name: random }',
        '    retries: 0',
        '    timeouts: { response: 1s }',
        '    limits: { maxBodySize: 1KB }',
        '  web:',
        '    backends: [http://127.0.0.1:9101]',
        'routes:',
        '  - { match: { pathPrefix: /api }, pool: api }',
        '  - { pool: web }',
      ]),
      'helios.yaml',
      {},
    );
    const { api, web } = config.pools;
    expect(api?.strategy.name).toBe('random');
    expect(api?.retries).toBe(0);
    expect(api?.timeouts).toEqual({ connect: 2000, response: 1000, upstreamIdle: 30_000 });
    expect(api?.limits).toEqual({ bodyBuffer: 8000, maxBodySize: 1000 });
    expect(web?.strategy.name).toBe('least-connections');
    expect(web?.retries).toBe(3);
    expect(web?.timeouts).toEqual({ connect: 2000, response: 20_000, upstreamIdle: 30_000 });
    expect(web?.limits).toEqual({ bodyBuffer: 8000, maxBodySize: 5_000_000 });
    // Client-side timeouts belong to the listener, not to a pool.
    expect(config.timeouts.clientBody).toBe(7000);
  });

  it('may sit next to top-level backends, which stay the pool default', () => {
    const config = parseConfig(
      yaml([
        'backends: [http://127.0.0.1:9001]',
        ...twoPools,
        'routes:',
        '  - { match: { host: api.example.com }, pool: api }',
        '  - { match: { host: www.example.com }, pool: web }',
        '  - { pool: default }',
      ]),
      'helios.yaml',
      {},
    );
    expect(Object.keys(config.pools)).toEqual(['default', 'api', 'web']);
  });

  it('refuses a second default, with where and why', () => {
    const issues = configIssues(
      yaml([
        'backends: [http://127.0.0.1:9001]',
        'pools:',
        '  default:',
        '    backends: [http://127.0.0.1:9101]',
      ]),
    );
    expect(where(issues)).toEqual(['5:5 pools.default']);
    expect(issues[0]?.message).toContain('the top-level `backends` already define the pool');
  });

  it('refuses several pools and no routes, since nothing says where requests go', () => {
    const issues = configIssues(yaml(twoPools));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('routes');
    expect(issues[0]?.message).toContain('there are 2 pools (api, web) and no `routes`');
  });

  it('refuses a config with neither backends nor pools', () => {
    const issues = configIssues('port: 8080\n');
    expect(issues.map((i) => i.path)).toEqual(['backends']);
    expect(issues[0]?.message).toContain('a list of backends, or `pools` of backends');
  });

  it('refuses names that cannot be metric labels, and the reserved name none', () => {
    const issues = configIssues(
      yaml([
        'pools:',
        '  "my pool":',
        '    backends: [http://127.0.0.1:9001]',
        '  none:',
        '    backends: [http://127.0.0.1:9002]',
        'routes:',
        '  - { pool: none }',
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual(['pools["my pool"]', 'pools.none', 'routes[0].pool']);
    expect(issues[1]?.message).toContain('other than `none`');
  });

  it('check each pool like top-level backends', () => {
    const issues = configIssues(
      yaml([
        'strategy: first',
        'pools:',
        '  api:',
        '    backends: []',
        '    strategy: fisrt',
        'routes:',
        '  - { pool: api }',
      ]),
      {},
      { strategies: testCatalog },
    );
    expect(issues.map((i) => i.path)).toEqual(['pools.api.backends', 'pools.api.strategy']);
  });
});

describe('routes', () => {
  it('naming a pool that does not exist is an error with did-you-mean', () => {
    const issues = configIssues(yaml([...twoPools, 'routes:', '  - pool: wbe']));
    expect(where(issues)).toEqual(['8:11 routes[0].pool']);
    expect(issues[0]?.message).toContain('no pool has this name');
    expect(issues[0]?.suggestion).toBe('did you mean `web`?');
  });

  it('report a bad regex, host pattern, path, method and header name where they are', () => {
    const issues = configIssues(
      yaml([
        ...twoPools,
        'routes:',
        '  - match: { pathRegex: "^/u/[0-9+$" }',
        '    pool: api',
        '  - match: { host: "api.*.com" }',
        '    pool: api',
        '  - match: { path: "v1" }',
        '    pool: api',
        '  - match: { methods: ["GE T"] }',
        '    pool: api',
        '  - match: { headers: { "x y": "1" } }',
        '    pool: web',
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'routes[0].match.pathRegex',
      'routes[1].match.host',
      'routes[2].match.path',
      'routes[3].match.methods[0]',
      'routes[4].match.headers["x y"]',
    ]);
    expect(issues[0]?.message).toContain('not a valid regular expression');
    expect(issues[0]?.line).toBe(8);
  });

  it('report an unknown placeholder and a stray brace', () => {
    const issues = configIssues(
      yaml([
        ...twoPools,
        'routes:',
        '  - redirect: { to: "https://{hots}/" }',
        '  - pool: web',
        '    requestHeaders: { set: { x-a: "{host" } }',
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'routes[0].redirect.to',
      'routes[1].requestHeaders.set.x-a',
    ]);
    expect(issues[0]?.message).toContain('unknown placeholder');
  });

  it('need exactly one action, a pathPrefix for stripPrefix, and one path condition', () => {
    const issues = configIssues(
      yaml([
        ...twoPools,
        'routes:',
        '  - match: { path: /a }',
        '  - { pool: api, respond: { status: 200 } }',
        '  - { pool: api, stripPrefix: true }',
        '  - { match: { path: /a, pathPrefix: /b }, pool: web }',
      ]),
    );
    expect(issues.map((i) => `${i.path}: ${i.message.split(',')[0]}`)).toEqual([
      expect.stringMatching(/^routes\[0\]: .*exactly one of pool/),
      expect.stringMatching(/^routes\[1\]\.respond: .*exactly one of pool/),
      expect.stringMatching(/^routes\[2\]\.stripPrefix: .*stripPrefix only with/),
      expect.stringMatching(/^routes\[3\]\.match\.pathPrefix: .*one path condition/),
    ]);
  });

  it('may not rewrite framing headers', () => {
    const issues = configIssues(
      yaml([
        ...twoPools,
        'routes:',
        '  - pool: web',
        '    responseHeaders: { remove: [Content-Length] }',
      ]),
    );
    expect(issues.map((i) => i.path)).toEqual(['routes[0].responseHeaders.remove[0]']);
  });

  it('resolve defaults: redirect status 308, respond with an empty body', () => {
    const config = parseConfig(
      yaml([
        ...twoPools,
        'routes:',
        '  - redirect: { to: /new }',
        '  - respond: { status: 204 }',
        '  - { match: { methods: [get], headers: { X-Canary: 1 } }, pool: api }',
        '  - pool: web',
      ]),
      'helios.yaml',
      {},
    );
    expect(config.routes[0]?.redirect).toEqual({ to: '/new', status: 308 });
    expect(config.routes[1]?.respond).toEqual({ status: 204, body: '', headers: {} });
    expect(config.routes[2]?.match).toEqual({ methods: ['GET'], headers: { 'x-canary': '1' } });
  });
});

describe('warnings', () => {
  function warnings(lines: string[]): string[] {
    const { warnings } = parseConfigDetailed(yaml(lines), 'helios.yaml', {});
    return warnings.map((w) => `${w.line}:${w.column} ${w.path}: ${w.message}`);
  }

  it('none for a config with only backends, or routes that all can match', () => {
    expect(warnings(['backends: [http://127.0.0.1:9001]'])).toEqual([]);
    expect(
      warnings([
        ...twoPools,
        'routes:',
        '  - { match: { pathPrefix: /api/x }, pool: api }',
        '  - { match: { pathPrefix: /api }, pool: web }',
        '  - { match: { host: a.example.com }, pool: api }',
        '  - { match: { host: "*.example.com" }, pool: web }',
        '  - { match: { pathRegex: ^/z }, pool: api }',
        '  - { match: { path: /z }, pool: web }',
      ]),
    ).toEqual([]);
  });

  it('a route after a catch-all, or after a route that takes all it would match', () => {
    expect(
      warnings([
        ...twoPools,
        'routes:',
        '  - { name: api, match: { pathPrefix: /api }, pool: api }',
        '  - { match: { path: /api/x }, pool: web }',
        '  - { match: { host: "*.example.com" }, pool: api }',
        '  - { match: { host: [a.example.com, b.c.example.com] }, pool: web }',
        '  - { name: all, pool: web }',
        '  - { name: late, pool: api }',
      ]),
    ).toEqual([
      '9:5 routes[1]: routes[1] can never match: routes[0] (api) before it matches everything it would',
      '11:5 routes[3]: routes[3] can never match: routes[2] before it matches everything it would',
      '13:5 routes[5]: routes[5] (late) can never match: routes[4] (all) before it matches every request',
    ]);
  });

  it('not when the earlier route also needs a method, header or query the later one may lack', () => {
    expect(
      warnings([
        ...twoPools,
        'routes:',
        '  - { match: { methods: [POST] }, pool: api }',
        '  - { match: { headers: { x-canary: "1" } }, pool: api }',
        '  - { pool: web }',
      ]),
    ).toEqual([]);
  });

  it('a pool no route uses, at the pool (or at backends for default)', () => {
    expect(
      warnings(['backends: [http://127.0.0.1:9000]', ...twoPools, 'routes:', '  - { pool: api }']),
    ).toEqual([
      '2:11 backends: pool `default` is not used by any route: its backends get no traffic (and are still health-checked)',
      '7:5 pools.web: pool `web` is not used by any route: its backends get no traffic (and are still health-checked)',
    ]);
  });
});
