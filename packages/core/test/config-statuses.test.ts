import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/parse.js';
import { parseStatus } from '../src/config/status.js';

const failureStatuses = (value: unknown) =>
  resolveConfig({
    port: 1,
    backends: ['http://127.0.0.1:1'],
    health: { passive: { failureStatuses: value } },
  }).health.passive.failureStatuses;

describe('status lists', () => {
  it('turn codes, classes and ranges into inclusive ranges', () => {
    expect(failureStatuses([503, '5xx', '500-504', ' 429 - 430 ', '404'])).toEqual([
      { from: 503, to: 503 },
      { from: 500, to: 599 },
      { from: 500, to: 504 },
      { from: 429, to: 430 },
      { from: 404, to: 404 },
    ]);
  });

  it('accept a single entry without a list', () => {
    expect(failureStatuses('5xx')).toEqual([{ from: 500, to: 599 }]);
    expect(failureStatuses(502)).toEqual([{ from: 502, to: 502 }]);
  });

  it('refuse statuses outside 100-599, reversed ranges and empty lists', () => {
    for (const bad of [600, 99, '6xx', '500-400', '100-600', [], 'oops', 500.5]) {
      expect(() => failureStatuses(bad), JSON.stringify(bad)).toThrow(/failureStatuses/);
    }
    expect(parseStatus('599-500')).toBeUndefined();
  });
});
