/**
 * Global in-flight counts (docs/workers.md): workers report their own counts at most once per
 * window, the primary sums them and hands each worker the others' totals, and the backends'
 * `inFlight` (what least-connections and power-of-two read) is local + others.
 */
import { Backend } from '@helios/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from '../src/workers/coalescer.js';
import { InFlightReporter } from '../src/workers/in-flight-reporter.js';
import { InFlightTable } from '../src/workers/in-flight-table.js';
import type { InFlightCounts } from '../src/workers/messages.js';

const URL_A = 'http://127.0.0.1:9001';
const URL_B = 'http://127.0.0.1:9002';
/** Counts are keyed by backend key: `<pool> <origin>`. */
const A = `default ${URL_A}`;
const B = `default ${URL_B}`;

function backends(): Backend[] {
  return [URL_A, URL_B].map((url, index) => new Backend({ url: new URL(url), weight: 1, index }));
}

function first(list: readonly Backend[]): Backend {
  const [a] = list;
  if (a === undefined) throw new Error('no backend');
  return a;
}

/** A worker's reporter over fresh backends A and B with a 5 ms window, recording what it sends. */
function recordingReporter() {
  const list = backends();
  const sent: InFlightCounts[] = [];
  const reporter = new InFlightReporter(
    () => list,
    (c) => sent.push(c),
    5,
  );
  return { list, a: first(list), sent, reporter };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('InFlightTable (primary)', () => {
  it('gives each worker the sum of the other workers, by backend', () => {
    const table = new InFlightTable();
    table.report(1, { [A]: 3, [B]: 1 });
    table.report(2, { [A]: 2, [B]: 0 });
    table.report(3, { [A]: 0, [B]: 5 });
    expect(table.totals()).toEqual({ [A]: 5, [B]: 6 });
    expect(table.othersOf(1)).toEqual({ [A]: 2, [B]: 5 });
    expect(table.othersOf(3)).toEqual({ [A]: 5, [B]: 1 });
  });

  it('replaces a worker’s previous report and forgets a worker that exited', () => {
    const table = new InFlightTable();
    table.report(1, { [A]: 4 });
    table.report(2, { [A]: 1 });
    table.report(1, { [A]: 2 });
    expect(table.othersOf(2)).toEqual({ [A]: 2 });
    table.remove(1);
    expect(table.totals()).toEqual({ [A]: 1 });
    expect(table.othersOf(2)).toEqual({ [A]: 0 });
  });
});

describe('Backend in-flight with other workers', () => {
  it('counts local requests and adds what other workers have in flight', () => {
    const a = first(backends());
    a.localInFlight++;
    a.localInFlight++;
    a.externalInFlight = 5;
    expect(a.inFlight).toBe(7);
    a.localInFlight--;
    expect(a.localInFlight).toBe(1);
    expect(a.inFlight).toBe(6);
    a.externalInFlight = 0;
    expect(a.inFlight).toBe(1);
  });
});

describe('InFlightReporter (worker)', () => {
  it('coalesces a burst of changes into one report per window', () => {
    const { list, sent, reporter } = recordingReporter();
    for (let i = 0; i < 100; i++) {
      const b = list[i % 2];
      if (b !== undefined) b.localInFlight++;
      reporter.changed();
    }
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(5);
    expect(sent).toEqual([{ [A]: 50, [B]: 50 }]);
    reporter.close();
  });

  it('reports local counts only, and stays quiet when nothing changed', () => {
    const { list, a, sent, reporter } = recordingReporter();
    a.localInFlight++;
    reporter.changed();
    vi.advanceTimersByTime(5);
    reporter.applyOthers({ [A]: 10, [B]: 4 });
    expect(a.inFlight).toBe(11);
    expect(list[1]?.inFlight).toBe(4);
    // A start and an end inside one window: the count is back where it was, nothing to send.
    a.localInFlight++;
    reporter.changed();
    a.localInFlight--;
    reporter.changed();
    vi.advanceTimersByTime(5);
    expect(sent).toEqual([{ [A]: 1, [B]: 0 }]);
    reporter.close();
  });

  it('bounds staleness by the window: a change is reported within windowMs', () => {
    const { a, sent, reporter } = recordingReporter();
    a.localInFlight++;
    reporter.changed();
    vi.advanceTimersByTime(4);
    expect(sent).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(1);
    reporter.close();
  });
});

describe('Coalescer', () => {
  it('flushes once per window however many changes arrive, and can be cancelled', () => {
    let flushes = 0;
    const coalescer = new Coalescer(10, () => flushes++);
    coalescer.changed();
    coalescer.changed();
    vi.advanceTimersByTime(10);
    expect(flushes).toBe(1);
    coalescer.changed();
    expect(coalescer.pending).toBe(true);
    coalescer.cancel();
    vi.advanceTimersByTime(50);
    expect(flushes).toBe(1);
  });
});
