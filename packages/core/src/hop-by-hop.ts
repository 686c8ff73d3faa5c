/**
 * Hop-by-hop header rules (RFC 9110 §7.6.1). These headers describe one connection, not the
 * message, so a proxy must never forward them: the fixed set below plus every name the
 * `Connection` header lists.
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
 * Extra names listed in `Connection` headers of a raw header list, lower case, or `undefined`
 * in the common case where it only says `keep-alive`, `close` or `upgrade` (no allocation then).
 */
export function connectionListedNames(raw: readonly (string | Buffer)[]): string[] | undefined {
  let names: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name === undefined || name.length !== 10) continue;
    const lower = name.toString().toLowerCase();
    if (lower !== 'connection') continue;
    const value = String(raw[i + 1] ?? '').toLowerCase();
    if (value === 'keep-alive' || value === 'close' || value === 'upgrade') continue;
    for (const token of value.split(',')) {
      const t = token.trim();
      if (t.length === 0 || t === 'keep-alive' || t === 'close' || t === 'upgrade') continue;
      names ??= [];
      names.push(t);
    }
  }
  return names;
}
