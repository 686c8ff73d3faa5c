/**
 * One passive health view for the whole cluster, without processes: workers batch the outcomes
 * of their upstream requests (outcome-batch.ts) and the primary replays them, in order, into
 * its one passive detector (primary-health.ts). So consecutive failures add up across workers,
 * `maxEjectedPercent` caps the cluster's ejections, and every verdict is relayed once.
 */
import { Backend, type HeliosConfig, parseConfig, silentLogger } from '@helios/core';
import type { HealthTransition } from '@helios/health';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutcomeRun } from '../src/workers/messages.js';
import { OutcomeBatch } from '../src/workers/outcome-batch.js';
import { PrimaryHealth } from '../src/workers/primary-health.js';

const URL_A = 'http://127.0.0.1:9001';
const URL_B = 'http://127.0.0.1:9002';
/** Backends are named across processes by key: `<pool> <origin>`. */
const A = `default ${URL_A}`;
const B = `default ${URL_B}`;

function config(passive: string[], backends = [URL_A, URL_B]): HeliosConfig {
  return parseConfig(
    [
      'port: 0',
      'backends:',
      ...backends.map((b) => `  - ${b}`),
      'health:',
      '  active:',
      '    enabled: false',
      '  passive:',
      ...passive.map((l) => `    ${l}`),
      '',
    ].join('\n'),
    'helios.yaml',
  );
}

const open: PrimaryHealth[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

function primary(passive: string[], backends?: string[]) {
  const sent: HealthTransition[] = [];
  const health = new PrimaryHealth(config(passive, backends), silentLogger, {
    broadcast: (change) => sent.push(change),
    record: () => {},
  });
  open.push(health);
  return { health, sent };
}

const fail = (id: string, count = 1): OutcomeRun => [id, 502, '', count];
const ok = (id: string, count = 1): OutcomeRun => [id, 200, '', count];

describe('PrimaryHealth', () => {
  it('adds up consecutive failures reported by different workers', () => {
    const { health, sent } = primary(['failureThreshold: 4']);
    health.outcomes([fail(A), ok(B)]); // worker 1
    health.outcomes([fail(A)]); // worker 2
    health.outcomes([fail(A, 1)]); // worker 1
    expect(sent).toEqual([]);
    health.outcomes([[A, 0, 'connect', 1]]); // worker 2: the 4th in a row
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ backend: A, source: 'passive', healthy: false });
    expect(health.backends.find((b) => b.key === A)?.available).toBe(false);
    expect(health.snapshot()).toEqual([sent[0]]);
  });

  it('replays a batch in order: a success in between starts the count again', () => {
    const { health, sent } = primary(['failureThreshold: 3']);
    health.outcomes([fail(A, 2), ok(A), fail(A, 2)]);
    expect(sent).toEqual([]);
    health.outcomes([fail(A)]);
    expect(sent).toHaveLength(1);
  });

  it('ignores a request the client abandoned (status 0, no failure kind)', () => {
    const { health, sent } = primary(['failureThreshold: 1']);
    health.outcomes([[A, 0, '', 5]]);
    expect(sent).toEqual([]);
  });

  it('caps ejections for the whole cluster with maxEjectedPercent', () => {
    const { health, sent } = primary(['failureThreshold: 1', 'maxEjectedPercent: 50']);
    health.outcomes([fail(A)]); // worker 1 ejects A
    health.outcomes([fail(B, 3)]); // worker 2's failures of B: refused, half the pool is out
    expect(sent.map((c) => [c.backend, c.healthy])).toEqual([[A, false]]);
    expect(health.backends.find((b) => b.key === B)?.available).toBe(true);
  });

  it('ends an ejection everywhere when its cooldown in the primary elapses', async () => {
    const { health, sent } = primary(['failureThreshold: 1', 'cooldown: 50ms']);
    health.outcomes([fail(A)]);
    for (let i = 0; i < 200 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sent.map((c) => [c.backend, c.source, c.healthy])).toEqual([
      [A, 'passive', false],
      [A, 'passive', true],
    ]);
    expect(health.snapshot()).toEqual([]);
  });

  it('forgets the verdicts of backends a reload removed', () => {
    const { health } = primary(['failureThreshold: 1']);
    health.outcomes([fail(A)]);
    expect(health.snapshot()).toHaveLength(1);
    health.configure(config(['failureThreshold: 1'], [URL_B]));
    expect(health.snapshot()).toEqual([]);
    expect(health.backends.map((b) => b.key)).toEqual([B]);
  });
});

describe('OutcomeBatch (worker)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const target = (url: string) => new Backend({ url: new URL(url), weight: 1, index: 0 });

  it('sends runs of identical outcomes per backend, in order, once per window', () => {
    const sent: OutcomeRun[][] = [];
    const batch = new OutcomeBatch((runs) => sent.push(runs), 5);
    const a = target(URL_A);
    const b = target(URL_B);
    for (let i = 0; i < 100; i++) batch.record(i % 2 === 0 ? a : b, 200, undefined);
    batch.record(a, 502, undefined);
    batch.record(a, 0, 'timeout');
    batch.record(a, 0, 'timeout');
    batch.record(b, 200, undefined);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(5);
    expect(sent).toEqual([
      [
        [A, 200, '', 50],
        [B, 200, '', 51],
        [A, 502, '', 1],
        [A, 0, 'timeout', 2],
      ],
    ]);
    batch.record(a, 200, undefined);
    vi.advanceTimersByTime(5);
    expect(sent[1]).toEqual([[A, 200, '', 1]]);
    batch.close();
  });

  it('records nothing while passive health is off', () => {
    const sent: OutcomeRun[][] = [];
    const batch = new OutcomeBatch((runs) => sent.push(runs), 5);
    batch.enabled = false;
    batch.record(target(URL_A), 502, undefined);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual([]);
    batch.close();
  });
});
