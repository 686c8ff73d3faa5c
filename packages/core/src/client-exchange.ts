/**
 * The client side that plain HTTP/1.1 (http-exchange.ts) and HTTP/2 (h2-exchange.ts) requests
 * share, between the attempt runner (exchange.ts) and each protocol's own class: holding the
 * upload for a retry, relaying the backend's response body with backpressure (a client that reads
 * slowly pauses the backend), and the two client idle limits (`timeouts.clientBody` while Helios
 * waits for body bytes, `timeouts.clientSend` while it waits for the client to read). What
 * differs per protocol (where the idle timer lives, how the head and trailers are written) stays
 * in the subclass. The one tag and the listeners below are shared by every request: no closures.
 */
import type { Readable, Writable } from 'node:stream';
import { BodyLimiter } from './body-limit.js';
import { ProxyErrorCode } from './error-codes.js';
import { HeliosError } from './errors.js';
import { Exchange } from './exchange.js';
import type { PoolRuntime } from './generation.js';
import type { RequestHead } from './request-head.js';
import type { UpstreamTrailers } from './response-headers.js';
import type { Runtime } from './runtime.js';

/** Tags a client stream (response, request, HTTP/2 stream) with its exchange. */
export const kExchange = Symbol('helios.exchange');

export interface ClientTagged {
  [kExchange]?: {
    drained(): void;
    bufferChunk(chunk: Buffer): void;
    bodyEnded(): void;
  };
}

// Listeners shared by every request: `this` is the client's stream, the exchange is its tag.
function onClientDrain(this: ClientTagged): void {
  this[kExchange]?.drained();
}
export function onBodyData(this: ClientTagged, chunk: Buffer): void {
  this[kExchange]?.bufferChunk(chunk);
}
export function onBodyEnd(this: ClientTagged): void {
  this[kExchange]?.bodyEnded();
}

export abstract class ClientExchange<
  Req extends RequestHead,
  Out extends Writable & ClientTagged,
> extends Exchange<Req> {
  /** Where the response goes: the ServerResponse, or the HTTP/2 stream. */
  protected readonly out: Out;
  protected limiter: BodyLimiter | undefined;
  protected body: Buffer | Readable | null = null;
  protected chunks: Buffer[] | undefined;
  protected buffered = 0;
  /** Body bytes have yet to arrive from the client. */
  protected bodyPending = false;
  protected waitingDrain = false;
  /** The client idle limit now set (0: none of ours). */
  protected armed = 0;
  #resume: (() => void) | undefined;

  constructor(rt: Runtime, req: Req, out: Out) {
    super(rt, req);
    this.out = out;
  }

  /** Sets the client's idle timer (the socket's, or the HTTP/2 stream's) to `ms` (0: off). */
  protected abstract setClientTimer(ms: number): void;
  /** Sends `100 Continue` if the client asked for it and has not had it. */
  protected abstract sendContinue(): void;
  /** Writes the end of the response (with the backend's trailers) and finishes the exchange. */
  protected abstract complete(rawTrailers: UpstreamTrailers): void;

  /**
   * A chunk of a body being read whole from `upload`. One of unknown length (`unknownLength`; a
   * declared length was checked against the limits up front) is held to maxBodySize here, and
   * streamed from `stream()` on once it outgrows `bodyBuffer`.
   */
  protected holdChunk(upload: Readable, chunk: Buffer, unknownLength: boolean): void {
    const chunks = this.chunks;
    if (chunks === undefined) return;
    chunks.push(chunk);
    this.buffered += chunk.length;
    if (!unknownLength) return;
    const limits = this.limits();
    if (limits.maxBodySize !== undefined && this.buffered > limits.maxBodySize) {
      this.chunks = undefined;
      upload.off('data', onBodyData);
      this.refuse(ProxyErrorCode.bodyTooLarge);
      return;
    }
    if (this.buffered <= limits.bodyBuffer) return;
    // Too big to hold: stream what came so far and the rest.
    this.chunks = undefined;
    upload.off('data', onBodyData);
    this.body = this.streamFrom(chunks);
    this.pickAndSend();
  }

  /** The upload streamed through a counter, starting with the chunks `head` already read. */
  protected abstract streamFrom(head: readonly Buffer[]): Readable;

  /**
   * The upload ended: the chunks read whole, if it was being read whole and the exchange still
   * runs (the caller then checks them and calls `sendWhole`).
   */
  protected uploadEnded(): Buffer[] | undefined {
    this.bodyPending = false;
    this.armTimer();
    const chunks = this.chunks;
    if (chunks === undefined || this.done) return undefined;
    this.chunks = undefined;
    return chunks;
  }

  /** Sends a body read whole: it can be sent again on a retry. */
  protected sendWhole(chunks: Buffer[]): void {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    this.body = body;
    this.bytesIn = body.length;
    this.pickAndSend();
  }

  /** The body limits of the request's pool (bodies are only read once a route chose one). */
  protected limits(): PoolRuntime['config']['limits'] {
    return (this.poolRuntime as PoolRuntime).config.limits;
  }

  /**
   * A body streamed from `source` through a counter that enforces `maxBody` and keeps bytesIn
   * exact; `head` holds what was buffered before streaming began.
   */
  protected countedStream(
    source: Readable,
    head: readonly Buffer[],
    maxBody: number | undefined,
  ): Readable {
    const limiter = new BodyLimiter(maxBody ?? Number.POSITIVE_INFINITY);
    this.limiter = limiter;
    for (const chunk of head) limiter.write(chunk);
    return source.pipe(limiter);
  }

  /**
   * The client was idle for the armed limit: stops the exchange if the silence is the client's;
   * false if it is not (the timer fired once and needs setting again).
   */
  protected idleIsClients(upload: Readable): boolean {
    if (this.waitingDrain) {
      this.stop(ProxyErrorCode.clientSendTimeout);
      return true;
    }
    // Waiting for body bytes is the client's fault only while someone is reading them: not
    // while a backend is being connected, nor while the backend itself holds the upload back.
    const reading = this.chunks !== undefined || (this.connected && !upload.isPaused());
    if (this.bodyPending && reading) {
      this.stop(ProxyErrorCode.clientBodyTimeout);
      return true;
    }
    return false;
  }

  drained(): void {
    this.waitingDrain = false;
    this.armTimer();
    this.#resume?.();
  }

  /** Sets the client's idle limit for what the exchange now waits for from the client. */
  protected armTimer(): void {
    const timeouts = this.rt.current.config.timeouts;
    let ms = this.bodyPending ? timeouts.clientBody : 0;
    if (this.waitingDrain) ms = ms === 0 ? timeouts.clientSend : Math.min(ms, timeouts.clientSend);
    if (ms === this.armed) return;
    this.armed = ms;
    this.setClientTimer(ms);
  }

  // ---- the client side the attempt runner needs ---------------------------------------------

  protected beforeDispatch(first: boolean): void {
    const options = this.options;
    if (options !== undefined) options.body = this.body;
    if (first) this.sendContinue();
  }

  protected bodyReplayable(): boolean {
    const body = this.body;
    if (body === null || Buffer.isBuffer(body)) return true;
    // Until undici reads from the stream, nothing of the body left Helios.
    return !(body.readableDidRead || body.destroyed);
  }

  protected override onFinish(): void {
    if (this.limiter !== undefined) this.bytesIn = this.limiter.bytes;
    this.chunks = undefined;
    if (this.armed !== 0) {
      this.armed = 0;
      this.setClientTimer(0);
    }
  }

  // ---- undici's callbacks for the response (see http-exchange.ts for why this API) ----------

  /** A final response head arrived: the attempt now has a response to relay. */
  protected responseBegins(statusCode: number, resume: () => void): void {
    this.#resume = resume;
    this.responseStarted = true;
    this.upstreamMs = this.sinceDispatch();
    this.status = statusCode;
  }

  /** The backend's head could not be written to the client (Node refused a name or value). */
  protected headersNotRelayed(err: unknown): void {
    this.rt.logger.warn(
      { requestId: this.id, backend: this.backend?.id, err },
      'backend response headers could not be relayed',
    );
    this.responseStarted = false;
    this.abortAttempt(
      err instanceof HeliosError
        ? err
        : new HeliosError(ProxyErrorCode.upstreamBadResponse, String(err), { cause: err }),
    );
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    this.bytesOut += chunk.length;
    const out = this.out;
    if (out.write(chunk)) return true;
    // The client reads slower than the backend sends (a full socket, or a closed HTTP/2
    // flow-control window): pause the upstream until it drains.
    if (!this.waitingDrain) {
      this.waitingDrain = true;
      out.once('drain', onClientDrain);
      this.armTimer();
    }
    return false;
  }

  /** `trailers`: a raw list from an HTTP/1.1 backend, an object from an HTTP/2 one (gRPC). */
  onComplete(trailers: UpstreamTrailers): void {
    if (!this.done) this.complete(trailers);
  }

  protected finishResponse(): void {
    this.endAttempt(this.status, undefined);
    this.finish();
  }
}
