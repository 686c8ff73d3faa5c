/**
 * Turns a backend's raw response headers (undici gives Buffers) into the flat string list
 * `res.writeHead` takes: hop-by-hop headers removed, `Via` appended, `X-Request-Id` added when
 * the backend did not echo one. Repeated headers such as `Set-Cookie` stay separate entries.
 */

import { ProxyErrorCode } from './error-codes.js';
import { HeliosError } from './errors.js';
import { VIA_ENTRY } from './forwarded-headers.js';
import { HeaderKind, headerKind } from './header-names.js';
import { addConnectionTokens, dropListed } from './hop-by-hop.js';

/**
 * One pass over the raw list: each name is classified by length and bytes before anything is
 * decoded, dropped headers are never decoded, and only a `Connection` header value is lowercased.
 */
export function buildClientHeaders(raw: readonly (Buffer | string)[], requestId: string): string[] {
  const out: string[] = [];
  let listed: string[] | undefined;
  let via: string | undefined;
  let hasId = false;
  for (let i = 0; i < raw.length; i += 2) {
    const rawName = raw[i];
    if (rawName === undefined) break;
    switch (headerKind(rawName)) {
      case HeaderKind.HOP:
        continue;
      case HeaderKind.TRANSFER_ENCODING:
        // Node re-frames the body; only `chunked` can be re-framed without changing it. Any
        // other coding (a close-delimited `gzip`) would reach the client as if it were identity.
        if (
          latin1(raw[i + 1])
            .trim()
            .toLowerCase() !== 'chunked'
        )
          throw badCoding(raw[i + 1]);
        continue;
      case HeaderKind.CONNECTION:
        listed = addConnectionTokens(latin1(raw[i + 1]), listed);
        continue;
      case HeaderKind.VIA: {
        const value = latin1(raw[i + 1]);
        via = via === undefined ? value : `${via}, ${value}`;
        continue;
      }
      case HeaderKind.REQUEST_ID:
        hasId = true;
        break;
    }
    out.push(latin1(rawName), latin1(raw[i + 1]));
  }
  if (listed !== undefined) {
    dropListed(out, listed);
    // A listed X-Request-Id was the previous hop's business: the client gets ours instead.
    if (listed.includes('x-request-id')) hasId = false;
  }
  out.push('via', via === undefined ? VIA_ENTRY : `${via}, ${VIA_ENTRY}`);
  if (!hasId) out.push('x-request-id', requestId);
  return out;
}

function badCoding(value: Buffer | string | undefined): HeliosError {
  return new HeliosError(
    ProxyErrorCode.upstreamBadResponse,
    `The backend answered with Transfer-Encoding: ${latin1(value)}; Helios relays only chunked or identity bodies.`,
  );
}

/** Without `Content-Length` (a 204 must not carry one, RFC 9110 §8.6), in place. */
export function dropContentLength(headers: string[]): void {
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    const name = headers[r] as string;
    if (name.length === 14 && name.toLowerCase() === 'content-length') continue;
    headers[w] = name;
    headers[w + 1] = headers[r + 1] as string;
    w += 2;
  }
  headers.length = w;
}

/** Trailers as undici hands them over: a flat raw list (HTTP/1.1) or an object (HTTP/2). */
export type UpstreamTrailers =
  | Buffer[]
  | string[]
  | Record<string, string | string[] | undefined>
  | null
  | undefined;

/** Trailers as `[name, value]` pairs for `res.addTrailers`, or undefined when there are none. */
export function trailerPairs(trailers: UpstreamTrailers): [string, string][] | undefined {
  if (trailers === null || trailers === undefined) return undefined;
  if (!Array.isArray(trailers)) return objectTrailerPairs(trailers);
  const raw: readonly (Buffer | string)[] = trailers;
  if (raw.length === 0) return undefined;
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    pairs.push([latin1(raw[i]), latin1(raw[i + 1])]);
  }
  return pairs;
}

/** HTTP/2 trailers (Node's header object; gRPC's `grpc-status` arrives this way). */
function objectTrailerPairs(
  trailers: Record<string, string | string[] | undefined>,
): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const name of Object.keys(trailers)) {
    const value = trailers[name];
    if (value === undefined || name.charCodeAt(0) === 0x3a /* ':' pseudo-header */) continue;
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else pairs.push([name, value]);
  }
  return pairs.length === 0 ? undefined : pairs;
}

/** Header bytes as a string, byte for byte (Node writes header strings back as latin1). */
/** The `Link` values of a backend's `103 Early Hints` (raw name/value list), to relay. */
export function earlyHintLinks(rawHeaders: readonly Buffer[]): string[] {
  const link: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as Buffer;
    if (name.length === 4 && latin1(name).toLowerCase() === 'link') {
      link.push(latin1(rawHeaders[i + 1]));
    }
  }
  return link;
}

export function latin1(v: Buffer | string | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : v.toString('latin1');
}

const EMPTY: readonly string[] = [];

/** Trailers as one flat `[name, value, ...]` list, whichever protocol the backend spoke. */
export function trailerList(trailers: UpstreamTrailers): readonly (Buffer | string)[] {
  if (trailers === null || trailers === undefined) return EMPTY;
  if (Array.isArray(trailers)) return trailers;
  return (objectTrailerPairs(trailers) ?? []).flat();
}
