/**
 * The affinity key of `consistent-hash`: `ip` (the client address), `header:NAME` or
 * `cookie:NAME`. Keys are hashed in place, without building substrings, because this runs on
 * every request. A request without the header or cookie falls back to its client address, so
 * it still sticks to one backend.
 */
import type { PickRequest } from '@helios/core';
import { z } from 'zod';
import { hashString } from './hash.js';

export type RequestKeySpec = 'ip' | `header:${string}` | `cookie:${string}`;

const KEY_EXPECTED = '`ip`, `header:<name>` or `cookie:<name>`';
/** `ip`, or `header:`/`cookie:` and an HTTP token (RFC 9110 section 5.6.2). */
const KEY = /^(ip|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+|cookie:[!#$%&'*+.^_`|~0-9A-Za-z-]+)$/;

/** A key as written in helios.yaml; header names come out lower-cased. */
export const requestKeySchema = z
  .string({ error: KEY_EXPECTED })
  .regex(KEY, { error: KEY_EXPECTED })
  // Header names are case-insensitive on the wire; lower-case once here, not per request.
  .transform((key) => (key.startsWith('header:') ? key.toLowerCase() : key) as RequestKeySpec);

export class RequestKey {
  readonly #kind: 0 | 1 | 2;
  readonly #name: string;

  constructor(spec: RequestKeySpec | string) {
    if (spec.startsWith('header:')) {
      this.#kind = 1;
      this.#name = spec.slice(7).toLowerCase();
    } else if (spec.startsWith('cookie:')) {
      this.#kind = 2;
      this.#name = spec.slice(7);
    } else {
      this.#kind = 0;
      this.#name = '';
    }
  }

  hash(request: PickRequest): number {
    if (this.#kind === 1) {
      const value = request.header(this.#name);
      if (value !== undefined && value.length > 0) return hashString(value);
    } else if (this.#kind === 2) {
      const cookies = request.header('cookie');
      if (cookies !== undefined) {
        const start = cookieValueStart(cookies, this.#name);
        if (start >= 0) {
          let end = cookies.indexOf(';', start);
          if (end < 0) end = cookies.length;
          while (end > start && cookies.charCodeAt(end - 1) === 32) end--;
          if (end > start) return hashString(cookies, start, end);
        }
      }
    }
    return hashString(request.clientAddress);
  }
}

/** Where the value of cookie `name` starts in a Cookie header, or -1. */
export function cookieValueStart(cookies: string, name: string): number {
  let from = 0;
  for (;;) {
    const at = cookies.indexOf(name, from);
    if (at < 0) return -1;
    const after = at + name.length;
    if (cookies.charCodeAt(after) === 61 /* = */ && startsPair(cookies, at)) return after + 1;
    from = at + 1;
  }
}

/** True when position `at` begins a `name=value` pair (start of header, or after `;` and spaces). */
function startsPair(cookies: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && cookies.charCodeAt(i) === 32) i--;
  return i < 0 || cookies.charCodeAt(i) === 59; /* ; */
}
