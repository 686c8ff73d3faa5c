/**
 * How a listener is written in logs and in the demo's instructions: a URL a person can paste
 * (IPv6 hosts in brackets).
 */

export function httpUrl(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** A listener's URL: `https://` on a TLS listener. */
export function listenerUrl(listener: { host: string; tls?: unknown }, port: number): string {
  const url = httpUrl(listener.host, port);
  return listener.tls === undefined ? url : `https${url.slice(4)}`;
}

/**
 * Every listener for the "listening on" line: the first URL, then the others, a redirect
 * listener marked as such.
 */
export function listenersText(
  listeners: readonly { host: string; tls?: unknown; redirectToHttps: boolean }[],
  ports: readonly number[],
): string {
  return listeners
    .map((listener, index) => {
      const url = listenerUrl(listener, ports[index] ?? 0);
      return listener.redirectToHttps ? `${url} (redirects to https)` : url;
    })
    .join(', ');
}
