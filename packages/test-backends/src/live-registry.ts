/**
 * Remembers every backend still open so a test that forgets `close()` cannot keep sockets
 * around: on process exit they are destroyed synchronously. (Servers started without
 * `keepProcessAlive` are also unref'd, so they never hold the event loop open.)
 */

export interface Destroyable {
  destroyNow(): void;
}

const live = new Set<Destroyable>();
let hooked = false;

function destroyAll(): void {
  for (const item of live) item.destroyNow();
  live.clear();
}

export function trackLive(item: Destroyable): void {
  live.add(item);
  if (!hooked) {
    hooked = true;
    process.once('exit', destroyAll);
  }
}

export function untrackLive(item: Destroyable): void {
  live.delete(item);
}

/** How many backends are open in this process (for tests and diagnostics). */
export function liveBackendCount(): number {
  return live.size;
}
