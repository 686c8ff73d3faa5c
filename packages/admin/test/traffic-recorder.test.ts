/**
 * The request path's counters: one set per backend of a pool, route counts within it, and a cap
 * on route label values so that renamed routes piling up across reloads stay bounded.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ROUTE_LABELS, OTHER_ROUTES } from '../src/label-values.js';
import { TrafficRecorder } from '../src/traffic-recorder.js';
import { PoolProxy } from './support/pool-proxy.js';

const URL_A = 'http://127.0.0.1:9201';

function routeTotals(recorder: TrafficRecorder, pool: string, id: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of recorder.get(pool, id)?.routes.values() ?? []) {
    totals.set(
      r.route,
      r.requests.reduce((n, v) => n + v, 0),
    );
  }
  return totals;
}

describe('TrafficRecorder', () => {
  it('keeps at most MAX_ROUTE_LABELS routes per backend and counts the rest under #other', () => {
    const proxy = new PoolProxy([{ url: URL_A, pool: 'default' }]);
    const recorder = new TrafficRecorder();
    proxy.on('request:end', recorder.record);
    const backend = proxy.backend('default', URL_A);
    const extra = 44;
    for (let i = 0; i < MAX_ROUTE_LABELS + extra; i++) proxy.finish({ backend, route: `r${i}` });
    // Known routes keep their own label after the cap is reached.
    proxy.finish({ backend, route: 'r0' });

    const totals = routeTotals(recorder, 'default', backend.id);
    expect(totals.size).toBe(MAX_ROUTE_LABELS + 1);
    expect(totals.get(OTHER_ROUTES)).toBe(extra);
    expect(totals.get('r0')).toBe(2);
    expect([...totals.values()].reduce((n, v) => n + v, 0)).toBe(MAX_ROUTE_LABELS + extra + 1);
  });

  it('counts an origin in two pools apart, and unrouted requests by the pool they were for', () => {
    const proxy = new PoolProxy([
      { url: URL_A, pool: 'api' },
      { url: URL_A, pool: 'web' },
    ]);
    const recorder = new TrafficRecorder();
    proxy.on('request:end', recorder.record);
    proxy.finishMany(2, { backend: proxy.backend('api', URL_A), route: 'a' });
    proxy.finish({ backend: proxy.backend('web', URL_A), route: 'w' });
    proxy.finish({ pool: 'web', route: 'w', status: 503 });
    proxy.finish({ status: 400 });

    const id = new URL(URL_A).origin;
    expect(routeTotals(recorder, 'api', id)).toEqual(new Map([['a', 2]]));
    expect(routeTotals(recorder, 'web', id)).toEqual(new Map([['w', 1]]));
    expect([...recorder.allUnrouted()].map((t) => [t.pool, t.id])).toEqual([
      ['web', 'none'],
      ['none', 'none'],
    ]);
    expect(recorder.unrouted('none')?.routes.has('none')).toBe(true);
  });
});
