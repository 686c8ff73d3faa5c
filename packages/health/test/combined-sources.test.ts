import type { Logger } from '@helios/core';
import { describe, expect, it, vi } from 'vitest';
import { flush, pass, refused, useCheckerOnFakeTime } from './helpers.js';

const startChecker = useCheckerOnFakeTime();

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    isLevelEnabled: () => true,
  };
  return { logger, lines };
}

function setup(unhealthyThreshold = 1, healthyThreshold = 1) {
  const { logger, lines } = recordingLogger();
  const rig = startChecker({
    health: {
      passive: { cooldown: 5_000 },
      active: { interval: 1_000, jitter: 0, unhealthyThreshold, healthyThreshold },
    },
    logger,
    auto: pass,
  });
  return { ...rig, lines };
}

describe('passive and active combined', () => {
  it('serves a backend only when neither source holds it down', async () => {
    const { backends, probe, checker } = setup();
    await flush();
    const b = backends[0]!;
    checker.onRequestEnd(b, 0, 'connect'); // passive: out for 5 s
    probe.auto = refused;
    await vi.advanceTimersByTimeAsync(1_000); // active: out too
    expect([b.isDown('passive'), b.isDown('active')]).toEqual([true, true]);
    probe.auto = pass;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.isDown('active')).toBe(false);
    expect(b.available).toBe(false); // passive still holds it
    await vi.advanceTimersByTimeAsync(3_000);
    expect(b.available).toBe(true);
  });

  it('logs and emits each transition exactly once, with reason and duration', async () => {
    const { backends, probe, events, lines } = setup(3, 2);
    await flush();
    const b = backends[1]!;
    probe.auto = refused;
    await vi.advanceTimersByTimeAsync(3_000); // three failed probes each, one transition each
    probe.auto = pass;
    await vi.advanceTimersByTimeAsync(5_000); // five passes each, one transition each
    expect(events).toHaveLength(6);
    expect(events.filter((e) => e.backend === b.id)).toEqual([
      {
        backend: b.id,
        source: 'active',
        healthy: false,
        reason: expect.stringContaining('3 consecutive failures'),
      },
      {
        backend: b.id,
        source: 'active',
        healthy: true,
        reason: expect.stringContaining('2 consecutive passes'),
        downForMs: 2_000,
      },
    ]);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(3);
    const up = lines.find(
      (l) => l.level === 'info' && (l.obj as { backend?: string }).backend === b.id,
    );
    expect(up?.obj).toMatchObject({ source: 'active', downForMs: 2_000, available: true });
    expect(up?.msg).toContain(b.id);
    expect(up?.msg).toContain('GET /health answered 200');
  });

  it('turns both checkers off with enabled: false', async () => {
    const { backends, probe, checker } = startChecker({
      count: 2,
      health: { passive: { enabled: false }, active: { enabled: false } },
    });
    checker.onRequestEnd(backends[0]!, 0, 'connect');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe.calls).toHaveLength(0);
    expect(backends[0]!.available).toBe(true);
  });

  it('applies a verdict from another process like its own, slow start and event included', async () => {
    const { backends, events, checker } = startChecker({
      count: 2,
      health: { active: { enabled: false }, slowStart: 1_000 },
      scripted: false,
    });
    const b = backends[0]!;
    checker.apply(b, 'active', false, 'primary: GET /health answered 503');
    expect(b.isDown('active')).toBe(true);
    checker.apply(b, 'active', true, 'primary: GET /health answered 200', 1_234);
    expect(b.available).toBe(true);
    expect(b.effectiveWeight).toBeCloseTo(0.1);
    expect(events.map((e) => [e.healthy, e.downForMs])).toEqual([
      [false, undefined],
      [true, 1_234],
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.effectiveWeight).toBe(1);
  });
});
