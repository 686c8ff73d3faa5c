/**
 * Counts request bodies of unknown length (chunked) and enforces `limits.maxBodySize` on them: a
 * pass-through that fails the upload once it grows past the limit. Bodies with a Content-Length
 * are checked up front and never go through here.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { ProxyErrorCode } from './error-codes.js';
import { HeliosError } from './errors.js';

export class BodyLimiter extends Transform {
  bytes = 0;
  readonly #limit: number;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#limit) {
      callback(
        new HeliosError(
          ProxyErrorCode.bodyTooLarge,
          `Request body exceeds limits.maxBodySize (${this.#limit} bytes); raise the limit in helios.yaml or send a smaller body.`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}
