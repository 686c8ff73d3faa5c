/**
 * Path conditions of routes. Paths are compared as the client sent them (no decoding), so what
 * matched is exactly what the backend receives. Prefixes are segment-aware: `/v1` matches `/v1`,
 * `/v1/` and `/v1/x`, never `/v10`; a trailing slash in a prefix is ignored, and `/` matches
 * everything.
 *
 * A path with a dot segment (`/a/../b`, also spelled `%2e%2e` or between encoded slashes) could
 * be matched as one route here and resolved to another by the backend, the classic way around
 * path-based rules. Clients normalize such paths before sending (RFC 3986 §5.2.4), so when a
 * config routes by path Helios refuses them instead of guessing which meaning the backend uses.
 */

/** Strip a prefix's trailing slash: `/v1/` is the same prefix as `/v1`; `/` stays `/`. */
export function normalizePrefix(prefix: string): string {
  let end = prefix.length;
  while (end > 1 && prefix.charCodeAt(end - 1) === 47) end--;
  return prefix.slice(0, end);
}

/** The path part of a request target (origin form): everything before `?`. */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

/** Segment-aware prefix test; `prefix` is normalized. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  if (prefix.length === 1) return true; // `/`
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47;
}

/**
 * The target with `prefix` (normalized, matched) removed from its path, query kept:
 * `/v1/users?x=1` → `/users?x=1`, `/v1` → `/`, `/v1?x` → `/?x`.
 */
export function stripPathPrefix(target: string, prefix: string): string {
  if (prefix.length === 1) return target;
  const rest = target.slice(prefix.length);
  return rest.length === 0 || rest.charCodeAt(0) !== 47 ? `/${rest}` : rest;
}

/** Does the path hold a `.` or `..` segment, raw or percent-encoded, or between `%2F`/`\`? */
export function hasDotSegment(path: string): boolean {
  // Fast path: no dot and no percent sign means no dot segment in any spelling.
  if (path.indexOf('.') === -1 && path.indexOf('%') === -1) return false;
  const unified = path.replace(/%2e/gi, '.').replace(/%2f|%5c|\\/gi, '/');
  for (const segment of unified.split('/')) {
    if (segment === '.' || segment === '..') return true;
  }
  return false;
}
