/**
 * Stable codes for what can go wrong on the data path, the HTTP status Helios answers with, and
 * the short human text used in the response body and the log line.
 */

export const ProxyErrorCode = {
  upstreamConnect: 'HELIOS_UPSTREAM_CONNECT',
  upstreamConnectTimeout: 'HELIOS_UPSTREAM_CONNECT_TIMEOUT',
  upstreamTls: 'HELIOS_UPSTREAM_TLS',
  upstreamReset: 'HELIOS_UPSTREAM_RESET',
  upstreamTimeout: 'HELIOS_UPSTREAM_TIMEOUT',
  upstreamBodyBroken: 'HELIOS_UPSTREAM_BODY_BROKEN',
  upstreamBadResponse: 'HELIOS_UPSTREAM_BAD_RESPONSE',
  noBackend: 'HELIOS_NO_BACKEND',
  clientAborted: 'HELIOS_CLIENT_ABORTED',
  bodyTooLarge: 'HELIOS_BODY_TOO_LARGE',
  urlTooLong: 'HELIOS_URL_TOO_LONG',
  badRequest: 'HELIOS_BAD_REQUEST',
  badHost: 'HELIOS_BAD_HOST',
  badFraming: 'HELIOS_BAD_FRAMING',
  versionNotSupported: 'HELIOS_HTTP_VERSION_NOT_SUPPORTED',
  tooManyHeaders: 'HELIOS_TOO_MANY_HEADERS',
  clientBodyTimeout: 'HELIOS_CLIENT_BODY_TIMEOUT',
  clientSendTimeout: 'HELIOS_CLIENT_SEND_TIMEOUT',
  queueFull: 'HELIOS_QUEUE_FULL',
  queueTimeout: 'HELIOS_QUEUE_TIMEOUT',
  localResources: 'HELIOS_LOCAL_RESOURCES',
  noRoute: 'HELIOS_NO_ROUTE',
  dotSegment: 'HELIOS_DOT_SEGMENT',
  headersTooLarge: 'HELIOS_HEADERS_TOO_LARGE',
  headerTimeout: 'HELIOS_CLIENT_HEADER_TIMEOUT',
  methodNotAllowed: 'HELIOS_METHOD_NOT_ALLOWED',
  unsupportedCoding: 'HELIOS_UNSUPPORTED_TRANSFER_CODING',
  internal: 'HELIOS_INTERNAL',
} as const;

export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

interface ErrorInfo {
  status: number;
  text: string;
}

const INFO: Record<ProxyErrorCode, ErrorInfo> = {
  HELIOS_UPSTREAM_CONNECT: { status: 502, text: 'could not connect to the backend' },
  HELIOS_UPSTREAM_CONNECT_TIMEOUT: { status: 504, text: 'connecting to the backend timed out' },
  HELIOS_UPSTREAM_TLS: { status: 502, text: 'the TLS handshake with the backend failed' },
  HELIOS_UPSTREAM_RESET: {
    status: 502,
    text: 'the backend closed the connection without answering',
  },
  HELIOS_UPSTREAM_TIMEOUT: { status: 504, text: 'the backend did not answer in time' },
  HELIOS_UPSTREAM_BODY_BROKEN: { status: 502, text: 'the backend broke off its response' },
  HELIOS_UPSTREAM_BAD_RESPONSE: {
    status: 502,
    text: 'the backend sent a malformed response',
  },
  HELIOS_NO_BACKEND: { status: 503, text: 'no backend is available' },
  HELIOS_CLIENT_ABORTED: { status: 499, text: 'the client went away' },
  HELIOS_BODY_TOO_LARGE: { status: 413, text: 'the request body is larger than allowed' },
  HELIOS_URL_TOO_LONG: { status: 414, text: 'the request URL is longer than allowed' },
  HELIOS_BAD_REQUEST: { status: 400, text: 'the request is malformed' },
  HELIOS_BAD_HOST: {
    status: 400,
    text: 'the request needs exactly one valid Host (or an absolute URL with a valid host)',
  },
  HELIOS_BAD_FRAMING: {
    status: 400,
    text: 'the request body framing is invalid (Transfer-Encoding must end in chunked, once, and needs HTTP/1.1)',
  },
  HELIOS_HTTP_VERSION_NOT_SUPPORTED: { status: 505, text: 'only HTTP/1.0 and HTTP/1.1 are served' },
  HELIOS_TOO_MANY_HEADERS: { status: 431, text: 'the request has more header lines than allowed' },
  HELIOS_CLIENT_BODY_TIMEOUT: {
    status: 408,
    text: 'the request body stopped arriving before it was complete',
  },
  HELIOS_CLIENT_SEND_TIMEOUT: { status: 408, text: 'the client stopped reading the response' },
  HELIOS_QUEUE_FULL: {
    status: 503,
    text: 'every backend connection is busy and the wait queue is full',
  },
  HELIOS_QUEUE_TIMEOUT: {
    status: 503,
    text: 'no backend connection became free in time',
  },
  HELIOS_NO_ROUTE: { status: 404, text: 'nothing is served at this address' },
  HELIOS_DOT_SEGMENT: {
    status: 400,
    text: 'the path has a . or .. segment; send it normalized',
  },
  HELIOS_LOCAL_RESOURCES: {
    status: 503,
    text: 'Helios ran out of file descriptors, ports or memory (raise ulimit -n or limits.maxConnections)',
  },
  HELIOS_HEADERS_TOO_LARGE: { status: 431, text: 'the request headers are larger than allowed' },
  HELIOS_CLIENT_HEADER_TIMEOUT: { status: 408, text: 'the request headers did not arrive in time' },
  HELIOS_METHOD_NOT_ALLOWED: {
    status: 405,
    text: 'CONNECT is not allowed: Helios is not a forward proxy',
  },
  HELIOS_UNSUPPORTED_TRANSFER_CODING: {
    status: 501,
    text: 'the request uses a transfer coding other than chunked',
  },
  HELIOS_INTERNAL: { status: 500, text: 'an internal error occurred' },
};

export function errorInfo(code: ProxyErrorCode): ErrorInfo {
  return INFO[code];
}
