/** Bounded waits for conditions, never a fixed sleep. */

/**
 * Resolves `true` as soon as `check()` holds, or `false` once `ms` passed without it. Used to
 * prove a negative ("nothing more arrived") with a bound, or to wait for a positive early.
 */
export async function within(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
