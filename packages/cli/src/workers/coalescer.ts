/**
 * Runs a flush at most once per window: the first change arms a timer, later changes inside
 * the window ride along. A burst of a thousand request starts costs one IPC message, and a
 * change is never held back longer than the window.
 */

export class Coalescer {
  readonly #windowMs: number;
  readonly #flush: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(windowMs: number, flush: () => void) {
    this.#windowMs = windowMs;
    this.#flush = flush;
  }

  /** Something changed: flush within the window. */
  readonly changed = (): void => {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(this.#run, this.#windowMs);
    this.#timer.unref();
  };

  get pending(): boolean {
    return this.#timer !== undefined;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #run = (): void => {
    this.#timer = undefined;
    this.#flush();
  };
}
