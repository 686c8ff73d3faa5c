/**
 * Builds the header list sent upstream from the client's raw headers in one pass, and checks
 * the head on the way: a second `Host`, an invalid `Host` value or a head over
 * `limits.maxHeaderSize` is the client's mistake (400/431), found before any backend is asked.
 * The pass drops hop-by-hop headers and `Expect` (Helios answers `100 Continue` itself), keeps
 * `X-Forwarded-*`/`Forwarded` only from trusted proxies, appends `X-Forwarded-For`, sets
 * `X-Forwarded-Proto` and `X-Forwarded-Host`, appends `Via`, and keeps or assigns
 * `X-Request-Id`. Everything else, repeated headers included, keeps its order, case and value.
 */
import { ProxyErrorCode } from './error-codes.js';
import { HeaderKind, headerKind } from './header-names.js';
import { addConnectionTokens, dropListed } from './hop-by-hop.js';
import { isAcceptableRequestId, nextRequestId } from './request-id.js';
import { isValidHost } from './request-target.js';
import type { TrustPolicy } from './trust-policy.js';

/**
 * `Transfer-Encoding` (all lines joined): plain `chunked` is a body of unknown length; `chunked`
 * last after other codings is understood but not supported (501, RFC 9112 §6.1); anything else
 * (no `chunked`, `chunked` not last or twice) leaves the length undeterminable: 400 (§6.3).
 */
function readCodings(codings: string, facts: RequestFacts): void {
  facts.chunked = true;
  const lower = codings.toLowerCase();
  if (lower.trim() === 'chunked') return;
  const list = lower.split(',').map((c) => c.trim());
  const chunked = list.filter((c) => c === 'chunked').length;
  if (list[list.length - 1] !== 'chunked' || chunked > 1) {
    facts.problem ??= ProxyErrorCode.badFraming;
  } else {
    facts.otherCoding = true;
  }
}

/** The `Via` entry Helios adds in both directions. */
export const VIA_ENTRY = '1.1 helios';

/** Built once per config generation. */
export interface ForwardingOptions {
  readonly preserveHost: boolean;
  readonly trust: TrustPolicy;
  /** Largest request head in bytes (`limits.maxHeaderSize`). */
  readonly maxHeaderSize: number;
}

/** What the header pass learns about the request; the per-request state object implements it. */
export interface RequestFacts {
  id: string;
  clientAddress: string;
  /** Declared Content-Length, -1 when absent. */
  contentLength: number;
  /** True when the request carries `Transfer-Encoding` (a body of unknown length). */
  chunked: boolean;
  /** A transfer coding other than plain `chunked` (e.g. `gzip, chunked`): Helios refuses it. */
  otherCoding: boolean;
  /** The host the request is for: the absolute-form authority, else `Host`; '' when absent. */
  host: string;
  /** Set when the head itself is unacceptable; nothing may be sent upstream then. */
  problem: ProxyErrorCode | undefined;
}

/**
 * Returns the upstream header list (flat `[name, value, ...]`, the shape undici takes) and fills
 * `facts`. `peerAddress` is the TCP peer; `proto` is `http` or `https`; `authority` is the
 * absolute-form target's authority, or '' for origin form.
 */
export function buildUpstreamHeaders(
  raw: readonly string[],
  options: ForwardingOptions,
  peerAddress: string,
  proto: string,
  authority: string,
  facts: RequestFacts,
): string[] {
  const trust = !options.trust.off && options.trust.trustsPeer(peerAddress);
  const out: string[] = [];
  let listed: string[] | undefined;
  let xff: string | undefined;
  let xfp: string | undefined;
  let xfh: string | undefined;
  let via: string | undefined;
  let host: string | undefined;
  let hostAt = -1;
  let requestId: string | undefined;
  let codings: string | undefined;
  // The request line counts against maxHeaderSize too, but the URL has its own limit (414).
  let size = 0;
  facts.contentLength = -1;
  facts.chunked = false;
  facts.otherCoding = false;
  facts.problem = undefined;

  // One pass; names are classified by length and bytes, never lowercased (see header-names.ts).
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    size += name.length + value.length + 4;
    switch (headerKind(name)) {
      case HeaderKind.OTHER:
        break;
      case HeaderKind.HOP:
      case HeaderKind.EXPECT:
        continue;
      case HeaderKind.CONNECTION:
        listed = addConnectionTokens(value, listed);
        continue;
      case HeaderKind.HOST:
        // RFC 9112 §3.2: more than one Host, or an invalid one, is a 400.
        if (host !== undefined || !isValidHost(value)) facts.problem ??= ProxyErrorCode.badHost;
        host = value;
        if (!options.preserveHost) continue;
        hostAt = out.length;
        break;
      case HeaderKind.CONTENT_LENGTH:
        facts.contentLength = Number(value);
        break;
      case HeaderKind.TRANSFER_ENCODING:
        codings = codings === undefined ? value : `${codings},${value}`;
        continue;
      case HeaderKind.X_FORWARDED_FOR:
        if (trust) xff = xff === undefined ? value : `${xff}, ${value}`;
        continue;
      case HeaderKind.X_FORWARDED_PROTO:
        if (trust && xfp === undefined) xfp = value;
        continue;
      case HeaderKind.X_FORWARDED_HOST:
        if (trust && xfh === undefined) xfh = value;
        continue;
      case HeaderKind.FORWARDED:
        if (!trust) continue;
        break;
      case HeaderKind.VIA:
        via = via === undefined ? value : `${via}, ${value}`;
        continue;
      case HeaderKind.REQUEST_ID:
        if (requestId !== undefined || !isAcceptableRequestId(value)) continue;
        requestId = value;
        break;
    }
    out.push(name, value);
  }
  if (size > options.maxHeaderSize) facts.problem ??= ProxyErrorCode.headersTooLarge;
  if (codings !== undefined) readCodings(codings, facts);
  // RFC 9112 §3.2.2: the authority of an absolute-form target wins over Host.
  if (authority !== '') {
    host = authority;
    if (hostAt !== -1) out[hostAt + 1] = authority;
    else if (options.preserveHost) out.push('host', authority);
  }
  // Headers Helios adds below are appended after this, so `Connection` can never remove them.
  if (listed !== undefined) {
    dropListed(out, listed);
    // A listed X-Request-Id belongs to the previous hop: treat it as absent and assign our own.
    if (listed.includes('x-request-id')) requestId = undefined;
  }

  let client = peerAddress;
  if (xff !== undefined) {
    client = options.trust.clientFrom(xff, peerAddress);
    out.push('x-forwarded-for', `${xff}, ${peerAddress}`);
  } else {
    out.push('x-forwarded-for', peerAddress);
  }
  out.push('x-forwarded-proto', xfp ?? proto);
  if (xfh !== undefined || host !== undefined)
    out.push('x-forwarded-host', (xfh ?? host) as string);
  out.push('via', via === undefined ? VIA_ENTRY : `${via}, ${VIA_ENTRY}`);
  if (requestId === undefined) {
    requestId = nextRequestId();
    out.push('x-request-id', requestId);
  }
  facts.id = requestId;
  facts.clientAddress = client;
  facts.host = host ?? '';
  return out;
}
