/**
 * The request target as sent upstream. Origin form (`/path?query`) passes byte for byte. An
 * absolute-form target (`GET http://other.host/x`) is reduced to its path: Helios sends it to its
 * configured backends, never to the named host, so it can never act as an open forward proxy.
 * Anything else (`*`, garbage) is refused.
 */

/** The origin-form path, or `undefined` when the target is not usable. */
export function originFormPath(url: string): string | undefined {
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const lower = url.slice(0, 8).toLowerCase();
  let rest: number;
  if (lower.startsWith('http://')) rest = 7;
  else if (lower.startsWith('https://')) rest = 8;
  else return undefined;
  const slash = url.indexOf('/', rest);
  const query = url.indexOf('?', rest);
  if (slash === -1 || (query !== -1 && query < slash)) {
    return query === -1 ? '/' : `/${url.slice(query)}`;
  }
  return url.slice(slash);
}
