/**
 * Hop-by-hop header rules (RFC 9110 §7.6.1). These headers describe one connection, not the
 * message, so a proxy must never forward them: the fixed set below plus every name the
 * `Connection` header lists. The header passes recognise the fixed set by `headerKind`; this
 * module handles the names a `Connection` header lists, which only cost anything when one exists.
 */

/** Always hop-by-hop (lower case). `upgrade` is handled by the upgrade path, never forwarded as-is. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/**
 * Adds the extra names one `Connection` header value lists (lower case) to `into` and returns
 * it; returns `into` unchanged (often `undefined`: no allocation) when the value only says
 * `keep-alive`, `close` or `upgrade`. Call once per `Connection` header: the lists add up.
 */
export function addConnectionTokens(
  value: string,
  into: string[] | undefined,
): string[] | undefined {
  const lower = value.toLowerCase();
  if (lower === 'keep-alive' || lower === 'close' || lower === 'upgrade') return into;
  let names = into;
  for (const token of lower.split(',')) {
    const t = token.trim();
    if (t.length === 0 || t === 'keep-alive' || t === 'close' || t === 'upgrade') continue;
    // End-to-end by definition: a `Connection: host` must not strip the Host, nor a listed
    // Content-Length change how the body is framed.
    if (t === 'host' || t === 'content-length') continue;
    names ??= [];
    names.push(t);
  }
  return names;
}

/**
 * Removes, in place, every `[name, value]` pair of a flat header list whose name a `Connection`
 * header listed. Runs after the single header pass because `Connection` may come after the
 * headers it names; only reached when a `Connection` header listed something.
 */
export function dropListed(out: string[], listed: readonly string[]): void {
  let w = 0;
  for (let r = 0; r < out.length; r += 2) {
    const name = out[r] as string;
    if (listed.includes(name.toLowerCase())) continue;
    out[w] = name;
    out[w + 1] = out[r + 1] as string;
    w += 2;
  }
  out.length = w;
}
