/**
 * Response headers and trailers for an HTTP/2 client, from the flat list the HTTP/1.1 pass
 * (response-headers.ts) already cleaned of hop-by-hop headers: names lower case (RFC 9113
 * §8.2.1), connection-specific fields never sent (§8.2.2: Node would refuse the whole response),
 * repeated fields such as `Set-Cookie` kept as separate fields.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { latin1 } from './response-headers.js';

/** Never on an HTTP/2 message, whatever a backend or a route rule says. */
const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'http2-settings',
]);

/** Fields that frame or route a message, which a trailer section may not carry. */
const NOT_IN_TRAILERS: ReadonlySet<string> = new Set([
  'content-length',
  'content-type',
  'host',
  'trailer',
]);

function add(out: OutgoingHttpHeaders, name: string, value: string): void {
  const previous = out[name];
  if (previous === undefined) out[name] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else out[name] = [String(previous), value];
}

/** `[name, value, ...]` to the header object `stream.respond()` takes, with `:status`. */
export function h2ResponseHeaders(flat: readonly string[], status: number): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':status': status };
  for (let i = 0; i < flat.length; i += 2) {
    const name = (flat[i] as string).toLowerCase();
    if (name.charCodeAt(0) === 58 /* : */ || CONNECTION_SPECIFIC.has(name)) continue;
    add(out, name, flat[i + 1] as string);
  }
  return out;
}

/** A backend's chunked trailers for `stream.sendTrailers()`, or `undefined` when there are none. */
export function h2Trailers(raw: readonly (Buffer | string)[]): OutgoingHttpHeaders | undefined {
  let out: OutgoingHttpHeaders | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = latin1(raw[i]).toLowerCase();
    if (
      name.length === 0 ||
      name.charCodeAt(0) === 58 ||
      CONNECTION_SPECIFIC.has(name) ||
      NOT_IN_TRAILERS.has(name)
    )
      continue;
    out ??= {};
    add(out, name, latin1(raw[i + 1]));
  }
  return out;
}
