/**
 * Builds the header list sent upstream from the client's raw headers in one pass: drops
 * hop-by-hop headers and `Expect` (Helios answers `100 Continue` itself), applies `trustProxy`
 * to incoming `X-Forwarded-*`/`Forwarded`, appends `X-Forwarded-For`, sets `X-Forwarded-Proto`
 * and `X-Forwarded-Host`, appends `Via`, and keeps or assigns `X-Request-Id`. Everything else,
 * repeated headers included, keeps its order, case and value.
 */
import { connectionListedNames, HOP_BY_HOP } from './hop-by-hop.js';
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
  const listed = connectionListedNames(raw);
  const trust = options.trustProxy;
  const out: string[] = [];
  let xff: string | undefined;
  let xfp: string | undefined;
  let xfh: string | undefined;
  let via: string | undefined;
  let host: string | undefined;
  let requestId: string | undefined;
  facts.contentLength = -1;
  facts.chunked = false;
  facts.otherCoding = false;

  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
        host = value;
        if (!options.preserveHost) continue;
        break;
      case 'content-length':
        facts.contentLength = Number(value);
        break;
      case 'transfer-encoding':
        facts.chunked = true;
        if (value.trim().toLowerCase() !== 'chunked') facts.otherCoding = true;
        continue;
      case 'expect':
        continue;
      case 'x-forwarded-for':
        if (trust) xff = xff === undefined ? value : `${xff}, ${value}`;
        continue;
      case 'x-forwarded-proto':
        if (trust && xfp === undefined) xfp = value;
        continue;
      case 'x-forwarded-host':
        if (trust && xfh === undefined) xfh = value;
        continue;
      case 'forwarded':
        if (!trust) continue;
        break;
      case 'via':
        via = via === undefined ? value : `${via}, ${value}`;
        continue;
      case 'x-request-id':
        if (requestId !== undefined || !isAcceptableRequestId(value)) continue;
        requestId = value;
        break;
      default:
        if (HOP_BY_HOP.has(lower)) continue;
    }
    if (listed?.includes(lower)) continue;
    out.push(name, value);
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
