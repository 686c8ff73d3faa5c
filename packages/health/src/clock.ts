/**
 * Time source for the health checkers. Everything that waits goes through a `Clock` so tests can
 * drive the state machines with fake timers, and so every timer is unref'd: health checking must
 * never keep the process alive by itself.
 */

export interface TimerHandle {
  unref?(): unknown;
}

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), used for jitter. */
  random(): number;
}

/**
 * The real clock. Globals are looked up at call time (not captured at import) so that
 * `vi.useFakeTimers()` installed after import still takes effect.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  random: () => Math.random(),
};
