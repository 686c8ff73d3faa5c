/**
 * Consumes a request body without buffering it: counts every byte, and in echo mode also keeps
 * the first MiB (for the JSON answer) and a SHA-256 of the whole body, so multi-GiB uploads
 * through a proxy can be verified byte for byte.
 */

import { createHash, type Hash } from 'node:crypto';

export const ECHO_BODY_LIMIT = 1024 * 1024;

export interface BodySummary {
  bytes: number;
  /** The first ECHO_BODY_LIMIT bytes as UTF-8. */
  text: string;
  truncated: boolean;
  sha256: string;
}

/** Where live byte counts go (the backend's stats). */
export interface ByteCounter {
  bytesIn: number;
}

export class BodySink {
  bytes = 0;
  readonly #counter: ByteCounter;
  readonly #hash: Hash | undefined;
  readonly #head: Buffer[] = [];
  #headBytes = 0;

  constructor(keep: boolean, counter: ByteCounter) {
    this.#counter = counter;
    this.#hash = keep ? createHash('sha256') : undefined;
  }

  readonly onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    this.#counter.bytesIn += chunk.length;
    if (this.#hash === undefined) return;
    this.#hash.update(chunk);
    if (this.#headBytes < ECHO_BODY_LIMIT) {
      const kept = chunk.subarray(0, ECHO_BODY_LIMIT - this.#headBytes);
      this.#head.push(kept);
      this.#headBytes += kept.length;
    }
  };

  /** Only meaningful when constructed with `keep = true`. */
  summary(): BodySummary {
    return {
      bytes: this.bytes,
      text: Buffer.concat(this.#head, this.#headBytes).toString('utf8'),
      truncated: this.bytes > this.#headBytes,
      sha256: this.#hash ? this.#hash.digest('hex') : '',
    };
  }
}
