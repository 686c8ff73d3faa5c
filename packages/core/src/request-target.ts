/**
 * The request target and the host it names (RFC 9112 §3.2, RFC 3986 §3.2.2). Origin form
 * (`/path?query`) passes byte for byte. An absolute-form target (`GET http://other.host/x`) is
 * reduced to its path and its authority replaces `Host` (§3.2.2): Helios sends it to its own
 * backends, never to the named host, so it can never act as an open forward proxy. `*`, other
 * schemes, userinfo and anything that is not a valid host are refused.
 */

/** The origin-form path, or `undefined` when the target is not usable. */
export function originFormPath(url: string): string | undefined {
  if (url.charCodeAt(0) === 47 /* / */) return url;
  const rest = absoluteStart(url);
  if (rest === 0) return undefined;
  const end = authorityEnd(url, rest);
  if (end === url.length || url.charCodeAt(end) === 35 /* # */) return '/';
  return url.charCodeAt(end) === 47 ? url.slice(end) : `/${url.slice(end)}`;
}

/**
 * The authority of an absolute-form target (`host[:port]`), `''` for origin form, or
 * `undefined` when it is not a valid host (empty, userinfo, spaces...).
 */
export function targetAuthority(url: string): string | undefined {
  if (url.charCodeAt(0) === 47) return '';
  const rest = absoluteStart(url);
  if (rest === 0) return undefined;
  const authority = url.slice(rest, authorityEnd(url, rest));
  return isValidHost(authority) ? authority : undefined;
}

/** Index just past `http://` or `https://` (any case), or 0. */
function absoluteStart(url: string): number {
  const lower = url.slice(0, 8).toLowerCase();
  if (lower.startsWith('http://')) return 7;
  if (lower.startsWith('https://')) return 8;
  return 0;
}

function authorityEnd(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) return i;
  }
  return url.length;
}

/**
 * A `Host` value: `uri-host [ ":" port ]`, where uri-host is a bracketed IPv6 literal or a
 * reg-name / IPv4 of unreserved, sub-delims and pct-encoded characters. Empty values, spaces,
 * `/`, `@`, `\` and every other delimiter are refused: backends route and build URLs from it.
 */
export function isValidHost(value: string): boolean {
  const length = value.length;
  if (length === 0 || length > 1_024) return false;
  let i = 0;
  if (value.charCodeAt(0) === 91 /* [ */) {
    const close = value.indexOf(']');
    if (close < 2) return false;
    for (let j = 1; j < close; j++) {
      const c = value.charCodeAt(j);
      // hex digits, `:` and `.` (IPv4-mapped tails); zone ids and IPvFuture are not accepted
      const hex = (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
      if (!hex && c !== 46) return false;
    }
    i = close + 1;
  } else {
    for (; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c === 58 /* : */) break;
      if (!REG_NAME[c]) return false;
    }
    if (i === 0) return false;
  }
  if (i === length) return true;
  if (value.charCodeAt(i) !== 58) return false;
  // port = *DIGIT (an empty port is allowed by RFC 3986)
  if (length - i - 1 > 5) return false;
  for (let j = i + 1; j < length; j++) {
    const c = value.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** unreserved / sub-delims / `%` (pct-encoded), by char code. */
const REG_NAME: readonly boolean[] = (() => {
  const table: boolean[] = new Array(128).fill(false);
  const allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%";
  for (const ch of allowed) table[ch.charCodeAt(0)] = true;
  return table;
})();
