/**
 * A whole-second wall clock that is cheap to read on every request: one shared, unref'd
 * interval refreshes it a few times a second while someone reads it, and stops itself after a
 * tick with no reader, so an idle process has no timer. Reading it can lag the true second by
 * at most one tick, which one-second buckets (the retry budget) do not notice.
 */

const TICK_MS = 100;

// Bound at load so that a test which installs fake timers later cannot strand the clock on a
// timer that never fires (tests that want control over time inject a clock where it is read).
const { setInterval: startInterval, clearInterval: stopInterval } = globalThis;

let seconds = 0;
let read = false;
let timer: NodeJS.Timeout | undefined;

function tick(): void {
  if (!read) {
    stopInterval(timer);
    timer = undefined;
    return;
  }
  read = false;
  seconds = Math.floor(Date.now() / 1000);
}

/** `Math.floor(Date.now() / 1000)`, give or take one tick, for a field write and a branch. */
export function coarseSeconds(): number {
  read = true;
  if (timer === undefined) {
    seconds = Math.floor(Date.now() / 1000);
    timer = startInterval(tick, TICK_MS);
    timer.unref();
  }
  return seconds;
}
