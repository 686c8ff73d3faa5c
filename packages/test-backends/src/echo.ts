/** Builds the JSON report that echo mode answers with. */

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { BodySummary } from './request-body.js';

export interface EchoReport {
  backend: number;
  method: string;
  /** The request target exactly as received. */
  url: string;
  path: string;
  /** Repeated keys become arrays. */
  query: Record<string, string | string[]>;
  httpVersion: string;
  /** Node's lower-cased, merged view. */
  headers: IncomingHttpHeaders;
  /** Every header line as received: original case, order and duplicates. */
  rawHeaders: [name: string, value: string][];
  /** The first MiB of the body as UTF-8. */
  body: string;
  bodyBytes: number;
  bodyTruncated: boolean;
  /** Hex SHA-256 of the whole body. */
  bodySha256: string;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
}

function parseTarget(target: string): { path: string; query: Record<string, string | string[]> } {
  let url: URL;
  try {
    url = new URL(target, 'http://backend.invalid');
  } catch {
    return { path: target, query: {} };
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const seen = query[key];
    if (seen === undefined) query[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else query[key] = [seen, value];
  }
  return { path: url.pathname, query };
}

export function buildEchoReport(
  backend: number,
  req: IncomingMessage,
  body: BodySummary,
): EchoReport {
  const target = req.url ?? '/';
  const { path, query } = parseTarget(target);
  const raw = req.rawHeaders;
  const rawHeaders: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    rawHeaders.push([raw[i] as string, raw[i + 1] as string]);
  }
  return {
    backend,
    method: req.method ?? 'GET',
    url: target,
    path,
    query,
    httpVersion: req.httpVersion,
    headers: req.headers,
    rawHeaders,
    body: body.text,
    bodyBytes: body.bytes,
    bodyTruncated: body.truncated,
    bodySha256: body.sha256,
    remoteAddress: req.socket.remoteAddress,
    remotePort: req.socket.remotePort,
  };
}
