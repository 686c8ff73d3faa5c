/**
 * Whose fault an attempt's error is, and what Helios answers. Only a backend's own failure may
 * count against its health or be retried elsewhere; everything else is told apart first:
 * - `client`: undici refused the request as the client sent it (a header set it will not send,
 *   a body shorter or longer than declared, a body over the limit): a 4xx, never retried;
 * - `local`: Helios itself closed the pool under the request (a reload retired the backend, or
 *   shutdown cut it; `reroute`: it is routed again if nothing was sent), or Helios ran out of
 *   its own resources (file descriptors, ephemeral ports, memory) and could not even try: that
 *   says nothing about the backend, so no health verdict and a 503;
 * - `backend`: the connection or the answer failed. `connected` means undici began writing.
 */
import { ProxyErrorCode as Codes, type ProxyErrorCode } from './error-codes.js';
import type { FailureKind } from './strategy.js';

export type ErrorOrigin = 'client' | 'local' | 'backend';

export interface UpstreamErrorKind {
  origin: ErrorOrigin;
  code: ProxyErrorCode;
  /** How the backend failed; only meaningful when `origin` is `backend`. */
  failure: FailureKind;
  /** `local` only: another backend (or a new pool) may take the request. */
  reroute?: boolean;
}

const backend = (code: ProxyErrorCode, failure: FailureKind): UpstreamErrorKind => ({
  origin: 'backend',
  code,
  failure,
});

const CONNECT = backend(Codes.upstreamConnect, 'connect');
const TLS = backend(Codes.upstreamTls, 'connect');
const CONNECT_TIMEOUT = backend(Codes.upstreamConnectTimeout, 'connect');
const RESET = backend(Codes.upstreamReset, 'reset');
const TIMEOUT = backend(Codes.upstreamTimeout, 'timeout');
const BODY_BROKEN = backend(Codes.upstreamBodyBroken, 'reset');
const BAD_RESPONSE = backend(Codes.upstreamBadResponse, 'reset');
const BODY_TIMEOUT = backend(Codes.upstreamBodyBroken, 'timeout');
const TOO_LARGE: UpstreamErrorKind = {
  origin: 'client',
  code: Codes.bodyTooLarge,
  failure: 'reset',
};
const REFUSED: UpstreamErrorKind = { origin: 'client', code: Codes.badRequest, failure: 'reset' };
const CLOSED: UpstreamErrorKind = {
  origin: 'local',
  code: Codes.upstreamReset,
  failure: 'reset',
  reroute: true,
};
const EXHAUSTED: UpstreamErrorKind = {
  origin: 'local',
  code: Codes.localResources,
  failure: 'connect',
  reroute: false,
};

/** errno values that describe this machine, not the backend (no descriptors, ports, memory). */
const LOCAL_ERRNO: ReadonlySet<unknown> = new Set([
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'ENOMEM',
  'EADDRNOTAVAIL',
]);

/**
 * A TLS handshake that failed: Node's own TLS codes, OpenSSL's (alerts from the backend, such as
 * a client certificate it requires), and X509 verification results (untrusted, wrong name,
 * expired). With TLS 1.3 a backend refusing the client certificate is heard only after the
 * handshake, when undici has started writing; it is still a failed handshake.
 */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_SELF_SIGNED|CERT_|HOSTNAME_MISMATCH|INVALID_CA)/;

export function isTlsError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && TLS_CODE.test(code);
}

/** undici's codes for a request it will not send as given (lib/core/request.js, errors.js). */
const REFUSED_BY_UNDICI: ReadonlySet<unknown> = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

export function classifyUpstreamError(
  err: Error,
  connected: boolean,
  responseStarted: boolean,
): UpstreamErrorKind {
  const code = (err as { code?: unknown }).code;
  if (code === Codes.bodyTooLarge) return TOO_LARGE;
  if (REFUSED_BY_UNDICI.has(code)) return REFUSED;
  if (code === 'UND_ERR_CLOSED' || code === 'UND_ERR_DESTROYED') return CLOSED;
  if (!connected && LOCAL_ERRNO.has(code)) return EXHAUSTED;
  // undici's parser (HPE_*) or Helios refusing what the backend sent: a broken answer.
  if (code === Codes.upstreamBadResponse || (typeof code === 'string' && code.startsWith('HPE_')))
    return BAD_RESPONSE;
  if (responseStarted) return code === 'UND_ERR_BODY_TIMEOUT' ? BODY_TIMEOUT : BODY_BROKEN;
  if (isTlsError(err)) return TLS;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return CONNECT_TIMEOUT;
  if (!connected) return CONNECT;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return TIMEOUT;
  return RESET;
}
