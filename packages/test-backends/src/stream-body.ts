/**
 * Writes a generated body of N bytes with backpressure and an optional byte-rate limit. One
 * shared pattern buffer is sliced for every write, so memory stays flat whatever N is. Byte
 * `i` of every generated body is `i % 256`, which lets clients verify large transfers.
 */

const CHUNK_SIZE = 64 * 1024;
/** Rate-limited writes are spread over this many slices per second for a smooth stream. */
const SLICES_PER_SECOND = 20;

/** CHUNK_SIZE plus one period, so a slice can start at any offset modulo 256. */
const pattern: Buffer = Buffer.allocUnsafe(CHUNK_SIZE + 256);
for (let i = 0; i < pattern.length; i++) pattern[i] = i & 0xff;

/** The byte a generated body holds at `offset`. */
export function patternByte(offset: number): number {
  return offset % 256;
}

/** The part of a ServerResponse the streamer uses (kept small so it can be tested alone). */
export interface BodyTarget {
  write(chunk: Buffer, callback?: () => void): boolean;
  end(chunk?: Buffer): unknown;
  on(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

export interface StreamBodyOptions {
  /** Bytes to write before stopping. */
  limit: number;
  /** Bytes per second; 0 = unlimited. */
  rate: number;
  /** Called once the last byte is flushed instead of ending the response (used to cut mid-body). */
  onLimit: (() => void) | undefined;
  /** Whether the rate timer may keep the process alive. */
  refTimers: boolean;
}

export class BodyStreamer {
  readonly #res: BodyTarget;
  readonly #limit: number;
  readonly #rate: number;
  readonly #step: number;
  readonly #onLimit: (() => void) | undefined;
  readonly #refTimers: boolean;
  #sent = 0;
  #startedAt = 0;
  #done = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(res: BodyTarget, options: StreamBodyOptions) {
    this.#res = res;
    this.#limit = options.limit;
    this.#rate = options.rate;
    this.#onLimit = options.onLimit;
    this.#refTimers = options.refTimers;
    this.#step =
      options.rate > 0
        ? Math.max(1, Math.min(CHUNK_SIZE, Math.floor(options.rate / SLICES_PER_SECOND)))
        : CHUNK_SIZE;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#res.on('drain', this.#pump);
    this.#pump();
  }

  /** Stops writing (the client went away); safe to call more than once. */
  cancel(): void {
    this.#done = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#res.off('drain', this.#pump);
  }

  readonly #pump = (): void => {
    this.#timer = undefined;
    while (!this.#done) {
      const remaining = this.#limit - this.#sent;
      if (remaining <= 0) {
        this.#finish();
        return;
      }
      const n = Math.min(this.#step, remaining);
      if (this.#rate > 0) {
        const elapsedS = (performance.now() - this.#startedAt) / 1000;
        // The first slice goes out at once; after that each byte waits for its time slot.
        const dueAtS = (this.#sent + n - this.#step) / this.#rate;
        if (dueAtS > elapsedS) {
          this.#timer = setTimeout(this.#pump, Math.ceil((dueAtS - elapsedS) * 1000));
          if (!this.#refTimers) this.#timer.unref();
          return;
        }
      }
      const offset = this.#sent & 0xff;
      this.#sent += n;
      const slice = pattern.subarray(offset, offset + n);
      if (this.#sent >= this.#limit) {
        this.#done = true;
        this.#res.off('drain', this.#pump);
        if (this.#onLimit) this.#res.write(slice, this.#onLimit);
        else this.#res.end(slice);
        return;
      }
      if (!this.#res.write(slice)) return;
    }
  };

  #finish(): void {
    this.#done = true;
    this.#res.off('drain', this.#pump);
    if (this.#onLimit) this.#onLimit();
    else this.#res.end();
  }
}
