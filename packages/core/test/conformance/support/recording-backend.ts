/**
 * A node:http backend that records every request it receives — request line, raw header list,
 * body bytes, trailers — and answers each with a fixed `200 ok`. Its parser limits are wide so
 * that what the test sees is what Helios forwarded, not the backend's own refusal. It also
 * counts requests in progress, so a test can prove requests reached it one at a time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  httpVersion: string;
  /** `[name, value]` pairs in arrival order, exactly as the backend's parser read them. */
  headers: [string, string][];
  body: Buffer;
  trailers: [string, string][];
}

export interface RecordingBackend {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests whose head arrived since the last `reset()`, complete or not. */
  readonly started: number;
  /** Requests whose response has not finished yet. */
  readonly active: number;
  /** Highest number of requests in progress at once since the last `reset()`. */
  readonly maxActive: number;
  /** Milliseconds each answer is held back (0: answer at once). Lets pipelining tests overlap. */
  delayMs: number;
  reset(): void;
  close(): Promise<void>;
}

export const BACKEND_BODY = 'ok';

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

export async function startRecordingBackend(): Promise<RecordingBackend> {
  const requests: RecordedRequest[] = [];
  let active = 0;
  let maxActive = 0;
  let started = 0;
  const state = { delayMs: 0 };
  const answer = (res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BACKEND_BODY.length });
    res.end(BACKEND_BODY);
  };
  const server: Server = createServer(
    { maxHeaderSize: 1_048_576, requireHostHeader: false },
    (req: IncomingMessage, res: ServerResponse) => {
      started++;
      active++;
      maxActive = Math.max(maxActive, active);
      res.once('close', () => {
        active--;
      });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          httpVersion: req.httpVersion,
          headers: pairs(req.rawHeaders),
          body: Buffer.concat(chunks),
          trailers: pairs(req.rawTrailers),
        });
        if (state.delayMs > 0) setTimeout(answer, state.delayMs, res);
        else answer(res);
      });
    },
  );
  // A client (Helios) that leaves mid-request must not surface as an unhandled error.
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get started() {
      return started;
    },
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    reset() {
      requests.length = 0;
      started = 0;
      maxActive = active;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
