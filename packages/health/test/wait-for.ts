/** Polls a condition until it holds or a deadline passes: tests wait for facts, not for guesses. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 5_000,
  everyMs = 5,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
