/**
 * The behaviour knobs of one fake backend: their type, defaults, validation and JSON form.
 * Validation lives here so the library, the control API and the CLI reject the same mistakes
 * with the same messages.
 */

import { TestBackendError } from './errors.js';

export type ResetMode = 'none' | 'before-response' | 'mid-response';

export interface Behaviour {
  /** Milliseconds to wait before answering; a `[min, max]` pair picks uniformly per request. */
  latency: number | readonly [min: number, max: number];
  /** Share (0..1) of requests answered with a 500. */
  errorRate: number;
  /** Answer every (non-health) request with this status; `undefined` means 200. */
  status: number | undefined;
  /** Status of `GET /health`. */
  healthStatus: number;
  /** Stop listening: new connections get ECONNREFUSED. `false` listens again on the same port. */
  refuse: boolean;
  /** Destroy the connection before any response byte, or after half the body. */
  reset: ResetMode;
  /** Read the request, never answer. */
  hang: boolean;
  /** Answer with a JSON description of the request. */
  echo: boolean;
  /** When > 0, answer with a generated body of exactly this many bytes. */
  streamBytes: number;
  /** Bytes per second for `streamBytes`; 0 means as fast as the client reads. */
  streamRate: number;
}

export const behaviourKeys: readonly (keyof Behaviour)[] = [
  'latency',
  'errorRate',
  'status',
  'healthStatus',
  'refuse',
  'reset',
  'hang',
  'echo',
  'streamBytes',
  'streamRate',
];

export const defaultBehaviour: Readonly<Behaviour> = Object.freeze({
  latency: 0,
  errorRate: 0,
  status: undefined,
  healthStatus: 200,
  refuse: false,
  reset: 'none',
  hang: false,
  echo: false,
  streamBytes: 0,
  streamRate: 0,
});

const resetModes: readonly ResetMode[] = ['none', 'before-response', 'mid-response'];

function invalid(where: string, message: string): TestBackendError {
  return new TestBackendError('HELIOS_TEST_BACKENDS_INVALID_BEHAVIOUR', `${where}: ${message}`);
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 599;
}

/** Throws a TestBackendError naming the first field of `b` that is out of range. */
export function validateBehaviour(b: Behaviour, where: string): void {
  const { latency } = b;
  if (Array.isArray(latency)) {
    const [min, max] = latency;
    if (latency.length !== 2 || !isNonNegative(min) || !isNonNegative(max) || min > max) {
      throw invalid(
        where,
        `latency range must be [min, max] with 0 <= min <= max (ms), got ${JSON.stringify(latency)}`,
      );
    }
  } else if (!isNonNegative(latency)) {
    throw invalid(
      where,
      `latency must be a number of ms >= 0 or [min, max], got ${String(latency)}`,
    );
  }
  if (!isNonNegative(b.errorRate) || b.errorRate > 1) {
    throw invalid(
      where,
      `errorRate must be a share between 0 and 1 (e.g. 0.25), got ${b.errorRate}`,
    );
  }
  if (b.status !== undefined && !isStatus(b.status)) {
    throw invalid(
      where,
      `status must be an integer 200..599 or undefined, got ${String(b.status)}`,
    );
  }
  if (!isStatus(b.healthStatus)) {
    throw invalid(where, `healthStatus must be an integer 200..599, got ${String(b.healthStatus)}`);
  }
  for (const key of ['refuse', 'hang', 'echo'] as const) {
    if (typeof b[key] !== 'boolean') {
      throw invalid(where, `${key} must be true or false, got ${String(b[key])}`);
    }
  }
  if (!resetModes.includes(b.reset)) {
    throw invalid(where, `reset must be one of ${resetModes.join(', ')}, got ${String(b.reset)}`);
  }
  if (!Number.isSafeInteger(b.streamBytes) || b.streamBytes < 0) {
    throw invalid(where, `streamBytes must be a whole number of bytes >= 0, got ${b.streamBytes}`);
  }
  if (!isNonNegative(b.streamRate)) {
    throw invalid(where, `streamRate must be bytes per second >= 0, got ${b.streamRate}`);
  }
}

/** Applies `patch` over `base` and validates the result; `base` is not modified. */
export function mergeBehaviour(
  base: Readonly<Behaviour>,
  patch: Partial<Behaviour>,
  where: string,
): Behaviour {
  const next: Behaviour = { ...base };
  for (const key of Object.keys(patch) as (keyof Behaviour)[]) {
    if (!behaviourKeys.includes(key)) {
      throw invalid(
        where,
        `unknown behaviour "${String(key)}"; known: ${behaviourKeys.join(', ')}`,
      );
    }
    if (key === 'status' || patch[key] !== undefined) {
      Object.assign(next, { [key]: patch[key] });
    }
  }
  validateBehaviour(next, where);
  return next;
}

/** Milliseconds to wait for this request. */
export function pickLatency(b: Readonly<Behaviour>): number {
  const { latency } = b;
  if (typeof latency === 'number') return latency;
  const [min, max] = latency;
  return min + Math.random() * (max - min);
}

/** JSON form: `status` is `null` when unset so the key stays visible. */
export function behaviourToJSON(b: Readonly<Behaviour>): Record<string, unknown> {
  return { ...b, status: b.status ?? null };
}
