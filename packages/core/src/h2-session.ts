/**
 * One client HTTP/2 connection as the data path sees it: the exchanges running on it (so an
 * idle session can be closed and a busy one left alone), and the rapid-reset guard
 * (CVE-2023-44487). Opening a stream and resetting it at once costs the client two frames and
 * Helios a routed, dispatched and aborted upstream request; the concurrent-stream limit does
 * not bound it, because every reset frees its slot. A session whose client resets more than
 * twice `limits.maxConcurrentStreams` streams before their response ended, within one 10 s
 * window, gets GOAWAY(ENHANCE_YOUR_CALM) and is closed, as nginx and Envoy do with such peers.
 */
import { constants, type ServerHttp2Session } from 'node:http2';
import { coarseSeconds } from './coarse-clock.js';
import { HeliosError } from './errors.js';
import type { Logger } from './logger.js';

const RESET_WINDOW_SECONDS = 10;

export class H2Session {
  readonly session: ServerHttp2Session;
  /** The peer address, read once (the session's socket is a guarded proxy object). */
  readonly remoteAddress: string;
  /** Exchanges started on this session and not finished. */
  active = 0;
  #resets = 0;
  #windowStart = 0;
  readonly #resetLimit: number;
  readonly #logger: Logger;

  constructor(session: ServerHttp2Session, maxConcurrentStreams: number, logger: Logger) {
    this.session = session;
    this.remoteAddress = session.socket?.remoteAddress ?? '';
    this.#resetLimit = 2 * maxConcurrentStreams;
    this.#logger = logger;
  }

  /** The session is closing or gone: nothing new starts on it. */
  get gone(): boolean {
    return this.session.destroyed || this.session.closed;
  }

  /**
   * The client reset a stream before its response ended. Returns true when that was one too
   * many: the session is then closed with GOAWAY(ENHANCE_YOUR_CALM).
   */
  clientReset(): boolean {
    if (this.session.destroyed) return false;
    const now = coarseSeconds();
    if (now - this.#windowStart >= RESET_WINDOW_SECONDS) {
      this.#windowStart = now;
      this.#resets = 0;
    }
    if (++this.#resets <= this.#resetLimit) return false;
    if (this.#logger.isLevelEnabled('warn')) {
      this.#logger.warn(
        {
          remoteAddress: this.remoteAddress,
          resets: this.#resets,
          windowSeconds: RESET_WINDOW_SECONDS,
        },
        'HTTP/2 client reset streams too fast (rapid reset); connection closed with ENHANCE_YOUR_CALM',
      );
    }
    // An error, not a bare code: Node would read `destroy(undefined, code)` as NO_ERROR.
    this.session.destroy(
      new HeliosError('HELIOS_H2_RAPID_RESET', 'HTTP/2 client reset too many streams'),
      constants.NGHTTP2_ENHANCE_YOUR_CALM,
    );
    return true;
  }
}
