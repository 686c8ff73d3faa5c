/**
 * An HTTP/2 request head mapped onto the HTTP/1.1 shape the data path reads (request-head.ts),
 * once per stream. RFC 9113 rules applied here:
 * - pseudo-headers become the method and target; `:authority` becomes `Host` (§8.3.1) when the
 *   request has none; a request with both that name different hosts, or with neither, is
 *   malformed (400), as is an unknown pseudo-header or an empty `:path`;
 * - connection-specific fields (`Connection`, `Keep-Alive`, `Proxy-Connection`,
 *   `Transfer-Encoding`, `Upgrade`) and `TE` other than `trailers` make it malformed (§8.2.2);
 *   nghttp2 refuses most of them already, this keeps the rule whatever the library does;
 * - several `Cookie` fields are joined with `; ` into one (§8.2.3), where the first one was.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyErrorCode } from './error-codes.js';
import type { RequestHead } from './request-head.js';

export class H2RequestHead implements RequestHead {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion = '2.0';
  readonly httpVersionMajor = 2;
  readonly httpVersionMinor = 0;
  readonly socket: Socket;
  /** Why the head is malformed, if it is. */
  readonly problem: ProxyErrorCode | undefined;
  /** The `Expect: 100-continue` of the request (answered by Helios before reading the body). */
  readonly expectContinue: boolean;

  constructor(headers: IncomingHttpHeaders, raw: readonly string[], socket: Socket) {
    this.headers = headers;
    this.socket = socket;
    const out: string[] = [];
    let method = '';
    let path: string | undefined;
    let authority: string | undefined;
    let scheme = 'https';
    let host: string | undefined;
    let cookieAt = -1;
    let problem: ProxyErrorCode | undefined;
    let expectContinue = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const value = raw[i + 1] as string;
      if (name.charCodeAt(0) === 58 /* : */) {
        if (name === ':method') method = value;
        else if (name === ':path') path = value;
        else if (name === ':authority') authority = value;
        else if (name === ':scheme') scheme = value.toLowerCase();
        else problem ??= ProxyErrorCode.badRequest;
        continue;
      }
      // HTTP/2 field names are lower case (nghttp2 refuses others): compare as they are.
      switch (name) {
        case 'cookie':
          if (cookieAt === -1) {
            cookieAt = out.length;
            break;
          }
          out[cookieAt + 1] = `${out[cookieAt + 1]}; ${value}`;
          continue;
        case 'host':
          if (host !== undefined) problem ??= ProxyErrorCode.badHost;
          host = value;
          break;
        case 'connection':
        case 'keep-alive':
        case 'proxy-connection':
        case 'transfer-encoding':
        case 'upgrade':
          problem ??= ProxyErrorCode.badRequest;
          continue;
        case 'te':
          if (value.trim().toLowerCase() !== 'trailers') problem ??= ProxyErrorCode.badRequest;
          continue;
        case 'expect':
          if (value.trim().toLowerCase() === '100-continue') expectContinue = true;
          break;
      }
      out.push(name, value);
    }
    if (method === 'CONNECT') {
      problem ??= ProxyErrorCode.methodNotAllowed;
    } else if (authority !== undefined && host !== undefined) {
      // §8.3.1: both present must name the same host, after scheme-based normalization.
      if (normalizeAuthority(authority, scheme) !== normalizeAuthority(host, scheme)) {
        problem ??= ProxyErrorCode.badHost;
      }
    } else if (authority === undefined && host === undefined) {
      problem ??= ProxyErrorCode.badHost;
    } else if (host === undefined) {
      out.unshift('host', authority as string);
      // Strategies hashing on `host` and the access log read this object.
      headers.host = authority;
    }
    if (authority === '' || host === '' || path === '') problem ??= ProxyErrorCode.badRequest;
    this.method = method;
    this.url = path ?? '/';
    this.rawHeaders = out;
    this.problem = problem;
    this.expectContinue = expectContinue;
  }
}

/** RFC 3986 §6.2.3 for http(s): the host is case-insensitive, a default or empty port is none. */
function normalizeAuthority(value: string, scheme: string): string {
  let authority = value.toLowerCase();
  const colon = authority.lastIndexOf(':');
  if (colon !== -1 && colon > authority.lastIndexOf(']')) {
    const port = authority.slice(colon + 1);
    if (
      port === '' ||
      (scheme === 'https' && port === '443') ||
      (scheme === 'http' && port === '80')
    )
      authority = authority.slice(0, colon);
  }
  return authority;
}
