/**
 * Maps an undici error, and how far the attempt got, to a Helios error code and the failure kind
 * strategies and health checkers see. `connected` means undici began writing the request.
 */
import { ProxyErrorCode as Codes, type ProxyErrorCode } from './error-codes.js';
import type { AttemptFailure } from './retry.js';

export interface UpstreamErrorKind {
  code: ProxyErrorCode;
  failure: AttemptFailure;
}

const CONNECT: UpstreamErrorKind = { code: Codes.upstreamConnect, failure: 'connect' };
const CONNECT_TIMEOUT: UpstreamErrorKind = {
  code: Codes.upstreamConnectTimeout,
  failure: 'connect',
};
const RESET: UpstreamErrorKind = { code: Codes.upstreamReset, failure: 'reset' };
const TIMEOUT: UpstreamErrorKind = { code: Codes.upstreamTimeout, failure: 'timeout' };
const BODY_BROKEN: UpstreamErrorKind = { code: Codes.upstreamBodyBroken, failure: 'reset' };
const BODY_TIMEOUT: UpstreamErrorKind = { code: Codes.upstreamBodyBroken, failure: 'timeout' };
const TOO_LARGE: UpstreamErrorKind = { code: Codes.bodyTooLarge, failure: 'reset' };

export function classifyUpstreamError(
  err: Error,
  connected: boolean,
  responseStarted: boolean,
): UpstreamErrorKind {
  const code = (err as { code?: unknown }).code;
  if (code === Codes.bodyTooLarge) return TOO_LARGE;
  if (responseStarted) return code === 'UND_ERR_BODY_TIMEOUT' ? BODY_TIMEOUT : BODY_BROKEN;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return CONNECT_TIMEOUT;
  if (!connected) return CONNECT;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return TIMEOUT;
  return RESET;
}
