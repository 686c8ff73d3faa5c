/**
 * How cluster workers share the proxy port. With SO_REUSEPORT (Node >= 22.12 or >= 23.1, Linux
 * only) every worker binds its own socket and the kernel spreads connections; the primary is
 * off the accept path. Everywhere else Node's cluster round robin is used: the primary accepts
 * each connection and hands it to the next worker over IPC.
 */

export type ListenMode = 'reuse-port' | 'round-robin';

/** Does this Node, on this platform, support `listen({ reusePort: true })`? */
export function reusePortSupported(
  version: string = process.versions.node,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform !== 'linux') return false;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 22) return minor >= 12;
  if (major === 23) return minor >= 1;
  return major > 23;
}

export function chooseListenMode(supported: boolean = reusePortSupported()): ListenMode {
  return supported ? 'reuse-port' : 'round-robin';
}

/** The words used in logs and docs. */
export function describeListenMode(mode: ListenMode): string {
  return mode === 'reuse-port'
    ? 'SO_REUSEPORT: each worker binds the port, the kernel spreads connections'
    : 'cluster round robin: the primary accepts and hands connections to workers';
}
