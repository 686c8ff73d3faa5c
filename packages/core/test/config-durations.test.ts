import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error.js';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../src/config/duration.js';
import { resolveConfig } from '../src/config/parse.js';

describe('parseDuration', () => {
  it('reads every unit', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
  });

  it('reads fractions, compounds and spaces', () => {
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h 2m 3s 4ms')).toBe(3_723_004);
    expect(parseDuration(' 500 ms ')).toBe(500);
  });

  it('refuses text that is not a duration', () => {
    for (const text of ['', '10', '10 sec', 's', '1d', '-5s', '1m s', 'ten seconds', '5S']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
  });

  it('round-trips any whole number of ms through its formatted form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('adds up any compound of parts', () => {
    const part = fc.record({
      value: fc.integer({ min: 0, max: 10_000 }),
      unit: fc.constantFrom(['ms', 1], ['s', 1_000], ['m', 60_000], ['h', 3_600_000]),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map((p) => `${p.value}${p.unit[0]}`).join('');
        const total = parts.reduce((sum, p) => sum + p.value * (p.unit[1] as number), 0);
        expect(parseDuration(text)).toBe(total);
      }),
    );
  });
});

describe('durations in the config', () => {
  const base = { port: 1, backends: ['http://127.0.0.1:1'] };

  it('take milliseconds as a number or a string with a unit', () => {
    const timeouts = resolveConfig({
      ...base,
      timeouts: { connect: 1500, response: '2m', upstreamIdle: 0, drain: '1.5s' },
    }).timeouts;
    expect(timeouts).toMatchObject({
      connect: 1500,
      response: 120_000,
      upstreamIdle: 0,
      drain: 1500,
    });
  });

  it('refuses zero where zero has no meaning, and values Node timers cannot hold', () => {
    for (const connect of [0, '0s', -1, 1.5, '25d', MAX_DURATION_MS + 1, '1000h']) {
      expect(() => resolveConfig({ ...base, timeouts: { connect } }), String(connect)).toThrow(
        ConfigError,
      );
    }
  });
});
