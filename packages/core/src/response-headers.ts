/**
 * Turns a backend's raw response headers (undici gives Buffers) into the flat string list
 * `res.writeHead` takes: hop-by-hop headers removed, `Via` appended, `X-Request-Id` added when
 * the backend did not echo one. Repeated headers such as `Set-Cookie` stay separate entries.
 */

import { VIA_ENTRY } from './forwarded-headers.js';
import { connectionListedNames, HOP_BY_HOP } from './hop-by-hop.js';

export function buildClientHeaders(raw: readonly (Buffer | string)[], requestId: string): string[] {
  const listed = connectionListedNames(raw);
  const out: string[] = [];
  let via: string | undefined;
  let hasId = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = latin1(raw[i]);
    const value = latin1(raw[i + 1]);
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (lower === 'via') {
      via = via === undefined ? value : `${via}, ${value}`;
      continue;
    }
    if (lower === 'x-request-id') hasId = true;
    if (listed?.includes(lower)) continue;
    out.push(name, value);
  }
  out.push('via', via === undefined ? VIA_ENTRY : `${via}, ${VIA_ENTRY}`);
  if (!hasId) out.push('x-request-id', requestId);
  return out;
}

/** Trailers as `[name, value]` pairs for `res.addTrailers`, or undefined when there are none. */
export function trailerPairs(raw: readonly (Buffer | string)[]): [string, string][] | undefined {
  if (raw.length === 0) return undefined;
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    pairs.push([latin1(raw[i]), latin1(raw[i + 1])]);
  }
  return pairs;
}

/** Header bytes as a string, byte for byte (Node writes header strings back as latin1). */
export function latin1(v: Buffer | string | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : v.toString('latin1');
}

const EMPTY: readonly string[] = [];

/** undici types `controller.rawHeaders` loosely; at run time it is a flat list or null. */
export function rawList(value: unknown): readonly (Buffer | string)[] {
  return Array.isArray(value) ? (value as (Buffer | string)[]) : EMPTY;
}
