/**
 * The client side of the conformance cases: writes exact bytes to Helios over a raw socket and
 * reads what comes back, split into HTTP/1.1 responses by their own framing (1xx, no-body
 * statuses and HEAD, Content-Length, chunked with trailers, or close-delimited), so a test sees
 * every response of a pipelined exchange and whether the connection closed.
 */
import { connect, type Socket } from 'node:net';

export type Wire = string | Buffer | readonly (string | Buffer)[];

export interface ParsedResponse {
  version: string;
  status: number;
  reason: string;
  /** `[name, value]` pairs as sent. */
  headers: [string, string][];
  body: Buffer;
  trailers: [string, string][];
}

export interface Outcome {
  responses: ParsedResponse[];
  /** Every byte Helios sent. */
  raw: Buffer;
  /** Bytes after the last complete response (a truncated answer shows up here). */
  rest: Buffer;
  /** Helios closed the connection (or reset it) before the wait ended. */
  closed: boolean;
  socket: Socket;
}

export interface ExchangeOptions {
  /** Stop waiting once this many final (non-1xx) responses arrived; default: wait for close. */
  responses?: number;
  /** Stop waiting once this holds for the responses so far (e.g. a 1xx arrived). */
  until?: (responses: readonly ParsedResponse[]) => boolean;
  /** Methods of the requests, in order, to know which responses have no body (HEAD). */
  methods?: readonly string[];
  /** Upper bound on the wait. */
  timeoutMs?: number;
  /** Keep the socket open after the wait (the caller destroys it). */
  keepOpen?: boolean;
}

function toBuffer(part: string | Buffer): Buffer {
  return typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
}

export function wireBytes(wire: Wire): Buffer {
  if (typeof wire === 'string' || Buffer.isBuffer(wire)) return toBuffer(wire as string | Buffer);
  return Buffer.concat((wire as readonly (string | Buffer)[]).map(toBuffer));
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      // A reset by Helios shows as `closed`; it must not become an unhandled error.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Reads responses from an open socket until enough arrived, it closed, or time ran out. */
export function collect(
  socket: Socket,
  options: ExchangeOptions = {},
  initial: Buffer = Buffer.alloc(0),
): Promise<Outcome> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  return new Promise((resolve) => {
    let raw = initial;
    let closed = socket.destroyed;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      // Paused, not listened to: bytes that arrive later wait for the next `collect`.
      if (options.keepOpen) socket.pause();
      else socket.destroy();
      const { responses, rest } = parseResponses(raw, options.methods, closed);
      resolve({ responses, raw, rest, closed, socket });
    };
    const enough = (): boolean => {
      const { until, responses: wanted } = options;
      if (until === undefined && wanted === undefined) return false;
      const { responses } = parseResponses(raw, options.methods, false);
      if (until !== undefined) return until(responses);
      return responses.filter((r) => r.status >= 200).length >= (wanted as number);
    };
    const onData = (chunk: Buffer): void => {
      raw = Buffer.concat([raw, chunk]);
      if (enough()) finish();
    };
    const onClose = (): void => {
      closed = true;
      finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
    if (closed || enough()) finish();
  });
}

/**
 * Connects, writes `wire` (each array element as its own write, in order) and collects the
 * answer. The socket is destroyed afterwards unless `keepOpen` is set.
 */
export async function exchange(
  port: number,
  wire: Wire,
  options: ExchangeOptions = {},
): Promise<Outcome> {
  const socket = await openSocket(port);
  const pending = collect(socket, options);
  await writeAll(socket, wire);
  return pending;
}

/** Writes each part as a separate `write`, waiting for each to be flushed. */
export async function writeAll(socket: Socket, wire: Wire): Promise<void> {
  const parts =
    typeof wire === 'string' || Buffer.isBuffer(wire)
      ? [wire as string | Buffer]
      : (wire as readonly (string | Buffer)[]);
  for (const part of parts) {
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.write(toBuffer(part), () => resolve());
    });
  }
}

function parseHeaders(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    out.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return out;
}

export function header(r: { headers: [string, string][] }, name: string): string | undefined {
  const lower = name.toLowerCase();
  return r.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

export function headerValues(r: { headers: [string, string][] }, name: string): string[] {
  const lower = name.toLowerCase();
  return r.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/**
 * Splits `raw` into complete responses. A response without Content-Length or chunked framing
 * runs to the end of the connection, so it counts only once `closed` is true.
 */
export function parseResponses(
  raw: Buffer,
  methods: readonly string[] = [],
  closed = false,
): { responses: ParsedResponse[]; rest: Buffer } {
  const responses: ParsedResponse[] = [];
  let at = 0;
  let finals = 0;
  for (;;) {
    const headEnd = raw.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd === -1) break;
    const head = raw.toString('latin1', at, headEnd);
    const lineEnd = head.indexOf('\r\n');
    const statusLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (m === null) break;
    const status = Number(m[2]);
    const headers = lineEnd === -1 ? [] : parseHeaders(head.slice(lineEnd + 2));
    const response: ParsedResponse = {
      version: m[1] as string,
      status,
      reason: m[3] ?? '',
      headers,
      body: Buffer.alloc(0),
      trailers: [],
    };
    let next = headEnd + 4;
    const method = methods[finals] ?? 'GET';
    if (status < 200) {
      responses.push(response);
      at = next;
      continue;
    }
    const te = header(response, 'transfer-encoding');
    const cl = header(response, 'content-length');
    if (status === 204 || status === 304 || method === 'HEAD') {
      // no body
    } else if (te !== undefined && /chunked\s*$/i.test(te)) {
      const body: Buffer[] = [];
      let p = next;
      let complete = false;
      for (;;) {
        const sizeEnd = raw.indexOf('\r\n', p, 'latin1');
        if (sizeEnd === -1) break;
        const size = Number.parseInt(raw.toString('latin1', p, sizeEnd).split(';')[0] ?? '', 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          if (raw.toString('latin1', sizeEnd, sizeEnd + 4) === '\r\n\r\n') {
            p = sizeEnd + 4;
            complete = true;
            break;
          }
          const trailerEnd = raw.indexOf('\r\n\r\n', sizeEnd, 'latin1');
          if (trailerEnd === -1) break;
          response.trailers = parseHeaders(raw.toString('latin1', sizeEnd + 2, trailerEnd));
          p = trailerEnd + 4;
          complete = true;
          break;
        }
        if (raw.length < sizeEnd + 2 + size + 2) break;
        body.push(raw.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        p = sizeEnd + 2 + size + 2;
      }
      if (!complete) break;
      response.body = Buffer.concat(body);
      next = p;
    } else if (cl !== undefined) {
      const length = Number(cl);
      if (raw.length < next + length) break;
      response.body = raw.subarray(next, next + length);
      next += length;
    } else {
      if (!closed) break;
      response.body = raw.subarray(next);
      next = raw.length;
    }
    responses.push(response);
    finals++;
    at = next;
  }
  return { responses, rest: raw.subarray(at) };
}
