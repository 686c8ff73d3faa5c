/**
 * Node 20.18 and 20.19 ship llhttp 8, whose parser accepts request heads that llhttp 9 (Node
 * 20.20+, 22, 24) refuses: header names with spaces or no name at all (`X-Bad : 1`), a CR
 * opening a field line, tabs, form feeds and raw non-ASCII bytes in the target, and framing
 * fields in chunked trailers. Passed on, undici refuses some of them and the rest reach a
 * backend that may read them differently. On those Node versions only, Helios checks the head
 * itself; on newer ones the parser already did, and this costs nothing.
 */

/** Does this Node's HTTP parser need Helios to be strict for it? */
export const LENIENT_PARSER = Number(process.versions.llhttp?.split('.')[0] ?? 9) < 9;

/** tchar (RFC 9110 §5.6.2), by char code. */
const TCHAR: readonly boolean[] = (() => {
  const table: boolean[] = new Array(128).fill(false);
  for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    table[ch.charCodeAt(0)] = true;
  return table;
})();

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || !TCHAR[c]) return false;
  }
  return true;
}

/** A field value: visible characters, spaces, tabs and obs-text; no CR, LF or NUL. */
function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** A request target: visible ASCII only (RFC 9112 §3.2; raw UTF-8 must be percent-encoded). */
function isTarget(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/** The checks llhttp 9 makes on a request head: true when the head is well-formed. */
export function strictHeadOk(url: string, rawHeaders: readonly string[]): boolean {
  if (!isTarget(url)) return false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!isToken(rawHeaders[i] as string) || !isFieldValue(rawHeaders[i + 1] as string)) {
      return false;
    }
  }
  return true;
}

/** Fields that frame or route a message may not arrive as trailers (RFC 9110 §6.5.1). */
const NOT_IN_TRAILERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection']);

/** The checks llhttp 9 makes on request trailers. */
export function strictTrailersOk(rawTrailers: readonly string[]): boolean {
  for (let i = 0; i < rawTrailers.length; i += 2) {
    const name = rawTrailers[i] as string;
    if (!isToken(name) || !isFieldValue(rawTrailers[i + 1] as string)) return false;
    if (NOT_IN_TRAILERS.has(name.toLowerCase())) return false;
  }
  return true;
}
