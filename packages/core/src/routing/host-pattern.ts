/**
 * Host matching for routes. A request's host is compared without its port, in lower case and
 * without a trailing dot (`API.Example.com.:443` is `api.example.com`). A pattern is an exact
 * name, or `*.example.com`, which matches any depth of subdomain (`a.example.com`,
 * `a.b.example.com`) but not the apex `example.com`.
 */

/** The request host as routes see it: lower case, no port, no trailing dot. */
export function normalizeHost(value: string): string {
  let end = value.length;
  if (value.charCodeAt(0) === 91 /* [ */) {
    const close = value.indexOf(']');
    end = close === -1 ? end : close + 1;
  } else {
    const colon = value.indexOf(':');
    if (colon !== -1) end = colon;
  }
  if (end > 0 && value.charCodeAt(end - 1) === 46 /* . */) end--;
  const host = value.slice(0, end);
  // Most hosts are already lower case: avoid the copy then.
  return hasUpper(host) ? host.toLowerCase() : host;
}

function hasUpper(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/** A pattern as written in helios.yaml, normalized for matching. */
export interface HostPattern {
  /** `exact`: `name` is the whole host; `suffix`: `name` is `.example.com` (from `*.example.com`). */
  readonly kind: 'exact' | 'suffix';
  readonly name: string;
}

export function parseHostPattern(text: string): HostPattern {
  const lower = text.trim().toLowerCase().replace(/\.$/, '');
  return lower.startsWith('*.')
    ? { kind: 'suffix', name: lower.slice(1) }
    : { kind: 'exact', name: lower };
}

/** Does `host` (normalized) match `pattern`? */
export function hostMatches(pattern: HostPattern, host: string): boolean {
  if (pattern.kind === 'exact') return host === pattern.name;
  return host.length > pattern.name.length && host.endsWith(pattern.name);
}

/** `example.com`, `*.example.com`, `localhost`, `10.0.0.1`, `[::1]`: what a pattern may be. */
export const HOST_PATTERN =
  /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$|^\[[0-9a-f:.]+\]$/i;
