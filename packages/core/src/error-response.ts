/**
 * The answers Helios writes itself: short plain-text bodies that name Helios, the reason and the
 * request id, so a user staring at a 502 knows it came from the proxy and can find the log line.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorInfo, type ProxyErrorCode } from './error-codes.js';

/** Seconds a client should wait before retrying when no backend is available. */
export const RETRY_AFTER_SECONDS = '5';

export function errorBody(code: ProxyErrorCode, requestId: string | undefined): string {
  const info = errorInfo(code);
  const id = requestId === undefined ? '' : ` (request id ${requestId})`;
  return `Helios: ${info.status} ${info.text}${id}. Code ${code}.\n`;
}

/** Answer on a `ServerResponse` whose headers were not sent yet. */
export function sendError(
  res: ServerResponse,
  code: ProxyErrorCode,
  requestId: string | undefined,
  closeConnection = false,
): void {
  const info = errorInfo(code);
  const body = errorBody(code, requestId);
  const headers: string[] = [
    'content-type',
    'text/plain; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(body)),
    'cache-control',
    'no-store',
  ];
  if (requestId !== undefined) headers.push('x-request-id', requestId);
  if (info.status === 503) headers.push('retry-after', RETRY_AFTER_SECONDS);
  if (closeConnection) headers.push('connection', 'close');
  res.writeHead(info.status, headers);
  res.end(body);
}

/** Answer on a bare socket (client errors, CONNECT, failed upgrades), then close it. */
export function writeRawError(
  socket: Socket,
  code: ProxyErrorCode,
  requestId: string | undefined,
  extraHeaders = '',
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const info = errorInfo(code);
  const body = errorBody(code, requestId);
  const id = requestId === undefined ? '' : `x-request-id: ${requestId}\r\n`;
  const retry = info.status === 503 ? `retry-after: ${RETRY_AFTER_SECONDS}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${info.status} ${statusText(info.status)}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n${id}${retry}${extraHeaders}connection: close\r\n\r\n${body}`,
  );
}

function statusText(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 404:
      return 'Not Found';
    case 405:
      return 'Method Not Allowed';
    case 408:
      return 'Request Timeout';
    case 413:
      return 'Payload Too Large';
    case 414:
      return 'URI Too Long';
    case 431:
      return 'Request Header Fields Too Large';
    case 501:
      return 'Not Implemented';
    case 505:
      return 'HTTP Version Not Supported';
    case 502:
      return 'Bad Gateway';
    case 503:
      return 'Service Unavailable';
    case 504:
      return 'Gateway Timeout';
    default:
      return 'Error';
  }
}
