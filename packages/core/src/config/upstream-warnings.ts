/**
 * Upstream settings that are valid but do nothing, so probably not what was meant:
 * `upstreamHttp2: true` on a pool with no `https://` backend. HTTP/2 to backends is negotiated
 * with ALPN during the TLS handshake; Helios does not send cleartext h2c with prior knowledge
 * (a plain HTTP/1.1 backend would fail every request), so such a pool keeps HTTP/1.1.
 */
import type { ConfigWarning } from './route-warnings.js';
import type { HeliosConfig } from './types.js';

export function upstreamWarnings(config: HeliosConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  for (const pool of Object.values(config.pools)) {
    if (!pool.upstreamHttp2) continue;
    if (pool.backends.some((b) => b.url.protocol === 'https:')) continue;
    // Set on the pool when it differs from the top level; otherwise inherited from there.
    const own = pool.upstreamHttp2 !== config.upstreamHttp2;
    warnings.push({
      path: own ? ['pools', pool.name, 'upstreamHttp2'] : ['upstreamHttp2'],
      message: `upstreamHttp2 has no effect on pool \`${pool.name}\`: it has only http:// backends, and HTTP/2 to backends needs TLS (ALPN); they are reached over HTTP/1.1 (cleartext h2c is not supported)`,
    });
  }
  return warnings;
}
