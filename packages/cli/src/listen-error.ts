/**
 * One sentence for a listener that could not bind (the proxy port, the admin port, the cluster
 * primary's socket): what happened, where, and how to fix it.
 */

export function describeListenError(error: unknown, where: string, fix: string): string {
  // core wraps the socket error (HELIOS_LISTEN_FAILED) and keeps the errno in `cause`.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return `cannot listen on ${where}: the port is already in use. Stop the other process or choose another port with ${fix}.`;
  }
  if (code === 'EACCES') {
    return `cannot listen on ${where}: permission denied (ports below 1024 need privileges). Choose a port above 1023 with ${fix}.`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `cannot listen on ${where}: that address is not on this machine. Check the host in helios.yaml.`;
  }
  return `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}
