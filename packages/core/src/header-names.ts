/**
 * Recognises the header names the proxy acts on, in either direction, without decoding or
 * lowercasing them: the name's length picks the few candidates, then a case-insensitive byte
 * compare decides. Most headers a proxy sees (`Content-Type`, `Date`, `Cookie`, ...) cost one
 * length switch and at most one short compare, with no allocation.
 */

/** What a header name means to the proxy; `OTHER` is forwarded unchanged. */
export const HeaderKind = {
  OTHER: 0,
  /** Always hop-by-hop (RFC 9110 §7.6.1) and not otherwise special: dropped in both directions. */
  HOP: 1,
  CONNECTION: 2,
  TRANSFER_ENCODING: 3,
  VIA: 4,
  REQUEST_ID: 5,
  HOST: 6,
  CONTENT_LENGTH: 7,
  EXPECT: 8,
  X_FORWARDED_FOR: 9,
  X_FORWARDED_PROTO: 10,
  X_FORWARDED_HOST: 11,
  FORWARDED: 12,
} as const;
export type HeaderKind = (typeof HeaderKind)[keyof typeof HeaderKind];

/**
 * The kind of a raw header name: a string (node:http `rawHeaders`) or the bytes undici hands
 * over, where `length` is already the latin1 length.
 */
export function headerKind(name: string | Buffer): HeaderKind {
  switch (name.length) {
    case 2:
      return is(name, 'te') ? HeaderKind.HOP : HeaderKind.OTHER;
    case 3:
      return is(name, 'via') ? HeaderKind.VIA : HeaderKind.OTHER;
    case 4:
      return is(name, 'host') ? HeaderKind.HOST : HeaderKind.OTHER;
    case 6:
      return is(name, 'expect') ? HeaderKind.EXPECT : HeaderKind.OTHER;
    case 7:
      return is(name, 'upgrade') ? HeaderKind.HOP : HeaderKind.OTHER;
    case 9:
      return is(name, 'forwarded') ? HeaderKind.FORWARDED : HeaderKind.OTHER;
    case 10:
      if (is(name, 'connection')) return HeaderKind.CONNECTION;
      return is(name, 'keep-alive') ? HeaderKind.HOP : HeaderKind.OTHER;
    case 12:
      return is(name, 'x-request-id') ? HeaderKind.REQUEST_ID : HeaderKind.OTHER;
    case 14:
      return is(name, 'content-length') ? HeaderKind.CONTENT_LENGTH : HeaderKind.OTHER;
    case 15:
      return is(name, 'x-forwarded-for') ? HeaderKind.X_FORWARDED_FOR : HeaderKind.OTHER;
    case 16:
      if (is(name, 'x-forwarded-host')) return HeaderKind.X_FORWARDED_HOST;
      return is(name, 'proxy-connection') ? HeaderKind.HOP : HeaderKind.OTHER;
    case 17:
      if (is(name, 'transfer-encoding')) return HeaderKind.TRANSFER_ENCODING;
      return is(name, 'x-forwarded-proto') ? HeaderKind.X_FORWARDED_PROTO : HeaderKind.OTHER;
    case 18:
      return is(name, 'proxy-authenticate') ? HeaderKind.HOP : HeaderKind.OTHER;
    case 19:
      return is(name, 'proxy-authorization') ? HeaderKind.HOP : HeaderKind.OTHER;
    default:
      return HeaderKind.OTHER;
  }
}

/** `name` equals `lower` (same length, lower case, letters and `-` only) ignoring ASCII case. */
function is(name: string | Buffer, lower: string): boolean {
  const text = typeof name === 'string';
  for (let i = 0; i < lower.length; i++) {
    const c = text ? name.charCodeAt(i) : (name[i] as number);
    const t = lower.charCodeAt(i);
    // Only letters fold: `c | 0x20` maps 'A'..'Z' onto 'a'..'z' and nothing else onto a letter.
    if (c !== t && (t < 0x61 || (c | 0x20) !== t)) return false;
  }
  return true;
}
