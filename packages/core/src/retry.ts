/**
 * When a failed attempt may be sent again, to a different backend. The rules:
 * - never once any response byte went to the client;
 * - always when the connection could not be made (nothing was sent, so even a POST is safe);
 * - when the connection broke before any response byte, only for idempotent methods whose
 *   body is empty or was never read;
 * - never on a response timeout (the backend may still be working on it; retrying doubles load);
 * - never more than `retries` times, and only while the retry budget allows.
 */

import type { FailureKind } from './strategy.js';

const IDEMPOTENT: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
  'TRACE',
]);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

export interface RetryFacts {
  failure: FailureKind;
  method: string;
  /** Response bytes already written to the client. */
  responseStarted: boolean;
  /** The request body was (possibly partly) consumed by an earlier attempt. */
  bodyConsumed: boolean;
  attemptsSoFar: number;
  maxRetries: number;
}

/** The safety rules only; the budget is asked separately so it is spent only when they allow. */
export function mayRetry(f: RetryFacts): boolean {
  if (f.responseStarted || f.attemptsSoFar > f.maxRetries) return false;
  if (f.bodyConsumed) return false;
  if (f.failure === 'connect') return true;
  if (f.failure === 'reset') return isIdempotent(f.method);
  return false;
}
