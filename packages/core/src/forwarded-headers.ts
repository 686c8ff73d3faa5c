/**
 * Builds the header list sent upstream from the client's raw headers in one pass: drops
 * hop-by-hop headers and `Expect` (Helios answers `100 Continue` itself), applies `trustProxy`
 * to incoming `X-Forwarded-*`/`Forwarded`, appends `X-Forwarded-For`, sets `X-Forwarded-Proto`
 * and `X-Forwarded-Host`, appends `Via`, and keeps or assigns `X-Request-Id`. Everything else,
 * repeated headers included, keeps its order, case and value.
 */
import { HeaderKind, headerKind } from './header-names.js';
import { addConnectionTokens, dropListed } from './hop-by-hop.js';
import { isAcceptableRequestId, nextRequestId } from './request-id.js';

/** The `Via` entry Helios adds in both directions. */
export const VIA_ENTRY = '1.1 helios';

export interface ForwardingOptions {
  preserveHost: boolean;
  trustProxy: boolean;
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
}

/**
 * Returns the upstream header list (flat `[name, value, ...]`, the shape undici takes) and fills
 * `facts`. `peerAddress` is the TCP peer; `proto` is `http` or `https`.
 */
export function buildUpstreamHeaders(
  raw: readonly string[],
  options: ForwardingOptions,
  peerAddress: string,
  proto: string,
  facts: RequestFacts,
): string[] {
  const trust = options.trustProxy;
  const out: string[] = [];
  let listed: string[] | undefined;
  let xff: string | undefined;
  let xfp: string | undefined;
  let xfh: string | undefined;
  let via: string | undefined;
  let host: string | undefined;
  let requestId: string | undefined;
  facts.contentLength = -1;
  facts.chunked = false;
  facts.otherCoding = false;

  // One pass; names are classified by length and bytes, never lowercased (see header-names.ts).
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
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
        host = value;
        if (!options.preserveHost) continue;
        break;
      case HeaderKind.CONTENT_LENGTH:
        facts.contentLength = Number(value);
        break;
      case HeaderKind.TRANSFER_ENCODING:
        facts.chunked = true;
        if (value.trim().toLowerCase() !== 'chunked') facts.otherCoding = true;
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
  if (listed !== undefined) {
    dropListed(out, listed);
    // A listed X-Request-Id belongs to the previous hop: treat it as absent and assign our own.
    if (listed.includes('x-request-id')) requestId = undefined;
  }

  let client = peerAddress;
  if (xff !== undefined) {
    const comma = xff.indexOf(',');
    client = (comma === -1 ? xff : xff.slice(0, comma)).trim() || peerAddress;
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
  return out;
}
