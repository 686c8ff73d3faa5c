/**
 * Ejection reasons become a bounded `reason` label of helios_backend_ejections_total: numbers
 * are folded away, and with them the singular/plural they decided, so one reason is one label.
 */
import { describe, expect, it } from 'vitest';
import { TransitionLog } from '../src/transition-log.js';

const backend = 'http://127.0.0.1:9001';

function labels(reasons: string[], source: 'active' | 'passive' = 'passive'): string[] {
  const log = new TransitionLog();
  for (const reason of reasons)
    log.add({ backend, pool: 'default', source, healthy: false, reason });
  return [...log.ejections()].map((e) => `${e.reason} x${e.count}`);
}

describe('ejection reason labels', () => {
  it('gives "1 consecutive failure" and "N consecutive failures" one label', () => {
    expect(
      labels([
        '1 consecutive failure (last: status 502); ejected for 30000 ms (ejection 1 in a row)',
        '3 consecutive failures (last: status 503); ejected for 60000 ms (ejection 2 in a row)',
        '1 consecutive failure (last: ECONNREFUSED error); ejected for 30000 ms (ejection 1 in a row)',
      ]),
    ).toEqual(['N consecutive failures x3']);
  });

  it('folds other counted nouns the same way, and keeps statuses as classes', () => {
    expect(
      labels(
        [
          'GET /health answered 503 (1 consecutive failures)',
          'GET /health answered 502 (4 consecutive failures)',
          'no answer within 1 probe',
          'no answer within 2 probes',
          'timed out after 2000 ms',
        ],
        'active',
      ),
    ).toEqual([
      'GET /health answered 5xx x2',
      'no answer within N probes x2',
      'timed out after N ms x1',
    ]);
  });

  it('counts the same origin in two pools as two backends', () => {
    const log = new TransitionLog();
    const reason = '5 consecutive failures (last: status 502)';
    log.add({ backend, pool: 'api', source: 'passive', healthy: false, reason });
    log.add({ backend, pool: 'web', source: 'passive', healthy: false, reason });
    log.add({ backend, pool: 'web', source: 'passive', healthy: false, reason });
    expect([...log.ejections()].map((e) => `${e.pool} ${e.backend} x${e.count}`)).toEqual([
      `api ${backend} x1`,
      `web ${backend} x2`,
    ]);
    expect(log.recent().map((t) => t.pool)).toEqual(['web', 'web', 'api']);
  });
});
