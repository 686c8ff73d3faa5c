/**
 * How a listener is written in logs and in the demo's instructions: a URL a person can paste
 * (IPv6 hosts in brackets).
 */

export function httpUrl(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}
