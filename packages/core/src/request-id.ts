/**
 * Request ids: a random per-process prefix plus a counter. Unique enough to find one request in
 * the logs of a fleet, and costs one small string per request (no crypto call on the hot path).
 */
import { randomBytes } from 'node:crypto';

const prefix = randomBytes(4).toString('hex');
let counter = 0;

/** A new id such as `9f2c41aa-1b7`. */
export function nextRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}

/** Incoming `X-Request-Id` values are passed through only when short and printable. */
export function isAcceptableRequestId(value: string): boolean {
  if (value.length === 0 || value.length > 200) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
