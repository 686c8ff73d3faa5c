import { describe, expect, it } from 'vitest';
import { mergeBehaviour } from '../src/behaviour.js';
import { behaviourFromJson, behaviourFromText } from '../src/behaviour-input.js';
import { defaultBehaviour, TestBackendError } from '../src/index.js';

function mergeError(patch: Record<string, unknown>): TestBackendError {
  try {
    mergeBehaviour(defaultBehaviour, patch, 'backend 1');
  } catch (error) {
    if (error instanceof TestBackendError) return error;
  }
  throw new Error('expected a TestBackendError');
}

describe('behaviour validation', () => {
  it.each([
    [{ latency: -1 }, 'latency'],
    [{ latency: [5, 1] }, 'latency range'],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ status: 99 }, 'status'],
    [{ healthStatus: 700 }, 'healthStatus'],
    [{ reset: 'sometimes' }, 'reset'],
    [{ hang: 'yes' }, 'hang'],
    [{ streamBytes: 1.5 }, 'streamBytes'],
    [{ streamRate: -5 }, 'streamRate'],
    [{ bogus: 1 }, 'unknown behaviour "bogus"'],
  ])('rejects %j naming %s', (patch, name) => {
    const error = mergeError(patch);
    expect(error.code).toBe('HELIOS_TEST_BACKENDS_INVALID_BEHAVIOUR');
    expect(error.message).toContain('backend 1: ');
    expect(error.message).toContain(name);
  });

  it('keeps unspecified knobs and lets status be unset', () => {
    const first = mergeBehaviour(defaultBehaviour, { status: 503, latency: 10 }, 'x');
    const second = mergeBehaviour(first, { status: undefined }, 'x');
    expect(second).toMatchObject({ status: undefined, latency: 10 });
  });

  it('reads JSON with null status and latency pairs', () => {
    expect(behaviourFromJson({ status: null, latency: [1, 2] }, 'x')).toEqual({
      status: undefined,
      latency: [1, 2],
    });
  });

  it('reads command-line text in kebab or camel case', () => {
    expect(behaviourFromText('health-status', '503', 'x')).toEqual({ healthStatus: 503 });
    expect(behaviourFromText('latency', '50-200', 'x')).toEqual({ latency: [50, 200] });
    expect(behaviourFromText('errorRate', '0.5', 'x')).toEqual({ errorRate: 0.5 });
    expect(behaviourFromText('hang', '', 'x')).toEqual({ hang: true });
    expect(() => behaviourFromText('status', 'abc', 'x')).toThrow(/status expects a number/);
  });
});
