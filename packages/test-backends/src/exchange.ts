/**
 * One request's journey through the behaviour knobs: consume the body, wait, then answer (or
 * hang, reset, fail, echo, stream). The behaviour is read once when the request arrives so a
 * later `set()` never changes a response half-way.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Behaviour, pickLatency } from './behaviour.js';
import { buildEchoReport } from './echo.js';
import { type BackendHost, greeting } from './host.js';
import { BodySink } from './request-body.js';
import { cutRequest, resetRequest } from './socket-faults.js';
import { BodyStreamer } from './stream-body.js';

function bodyless(status: number, method: string | undefined): boolean {
  return status === 204 || status === 304 || method === 'HEAD';
}

export class Exchange {
  readonly #host: BackendHost;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #health: boolean;
  readonly #behaviour: Readonly<Behaviour>;
  readonly #sink: BodySink;
  #timer: NodeJS.Timeout | undefined;
  #streamer: BodyStreamer | undefined;
  #closed = false;
  #startedAt = 0;

  constructor(host: BackendHost, req: IncomingMessage, res: ServerResponse, health: boolean) {
    this.#host = host;
    this.#req = req;
    this.#res = res;
    this.#health = health;
    this.#behaviour = host.behaviour;
    this.#sink = new BodySink(this.#behaviour.echo && !health, host.counters);
  }

  start(): void {
    const counters = this.#host.counters;
    counters.inFlight++;
    if (this.#host.onRequestEnd !== undefined) this.#startedAt = performance.now();
    if (this.#health) counters.healthChecks++;
    else counters.requests++;
    this.#res.once('close', this.#onClose);
    // Always read the body: a test tool must not stall uploads, whatever it answers.
    this.#req.on('data', this.#sink.onData);
    this.#req.once('end', this.#afterBody);
    this.#req.once('error', this.#ignore);
  }

  readonly #ignore = (): void => {};

  readonly #onClose = (): void => {
    this.#closed = true;
    this.#host.counters.inFlight--;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#streamer?.cancel();
    const observer = this.#host.onRequestEnd;
    if (observer !== undefined) {
      const completed = this.#res.writableFinished;
      observer({
        backend: this.#host.index,
        method: this.#req.method ?? 'GET',
        url: this.#req.url ?? '/',
        status: this.#res.headersSent ? this.#res.statusCode : 0,
        durationMs: performance.now() - this.#startedAt,
        completed,
      });
    }
  };

  readonly #afterBody = (): void => {
    if (this.#closed || this.#behaviour.hang) return;
    const delay = pickLatency(this.#behaviour);
    if (delay <= 0) {
      this.#respond();
      return;
    }
    this.#timer = setTimeout(this.#respond, delay);
    if (!this.#host.keepProcessAlive) this.#timer.unref();
  };

  readonly #respond = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    const b = this.#behaviour;
    const res = this.#res;
    if (b.reset === 'before-response') {
      resetRequest(this.#req);
      return;
    }
    if (this.#host.refusing) res.shouldKeepAlive = false;
    const index = this.#host.index;
    if (this.#health) {
      const healthy = b.healthStatus < 300;
      this.#sendText(b.healthStatus, `Server ${index} ${healthy ? 'healthy' : 'unhealthy'}`);
      return;
    }
    if (b.errorRate > 0 && Math.random() < b.errorRate) {
      this.#sendText(500, `Server ${index}: simulated failure (errorRate)`);
      return;
    }
    const status = b.status ?? 200;
    if (b.echo) {
      const report = buildEchoReport(index, this.#req, this.#sink.summary());
      this.#send(status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(report)));
    } else if (b.streamBytes > 0) {
      this.#stream(status, b);
    } else {
      this.#sendText(status, greeting(index));
    }
  };

  #sendText(status: number, text: string): void {
    this.#send(status, 'text/plain; charset=utf-8', Buffer.from(text));
  }

  #send(status: number, contentType: string, body: Buffer): void {
    const res = this.#res;
    if (bodyless(status, this.#req.method)) {
      if (status === 204 || status === 304) res.writeHead(status);
      else res.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
    if (this.#behaviour.reset === 'mid-response') {
      res.write(body.subarray(0, body.length >> 1), this.#cut);
      return;
    }
    res.end(body);
  }

  #stream(status: number, b: Readonly<Behaviour>): void {
    const res = this.#res;
    res.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': b.streamBytes,
    });
    if (this.#req.method === 'HEAD') {
      res.end();
      return;
    }
    const mid = b.reset === 'mid-response';
    if (mid && b.streamBytes < 2) {
      res.flushHeaders();
      setImmediate(this.#cut);
      return;
    }
    this.#streamer = new BodyStreamer(res, {
      limit: mid ? Math.floor(b.streamBytes / 2) : b.streamBytes,
      rate: b.streamRate,
      onLimit: mid ? this.#cut : undefined,
      refTimers: this.#host.keepProcessAlive,
    });
    this.#streamer.start();
  }

  readonly #cut = (): void => {
    cutRequest(this.#req);
  };
}
