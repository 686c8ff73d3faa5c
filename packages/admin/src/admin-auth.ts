/**
 * Access checks for the admin listener.
 *
 * Token: when configured, every path but `/healthz` needs it, either as
 * `Authorization: Bearer <token>` (Prometheus, curl) or as the password of HTTP Basic auth
 * (so a browser can open the dashboard: it prompts once and resends it with every poll).
 * Both sides are hashed before comparing so the comparison takes the same time whatever the
 * length or content of the guess.
 *
 * Host: when the listener is bound to loopback, only loopback host names are accepted, so a
 * web page the operator visits cannot read the admin API through DNS rebinding.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function tokenMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const space = authorization.indexOf(' ');
  if (space < 0) return false;
  const scheme = authorization.slice(0, space).toLowerCase();
  const credentials = authorization.slice(space + 1).trim();
  let presented: string;
  if (scheme === 'bearer') {
    presented = credentials;
  } else if (scheme === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    presented = decoded.slice(decoded.indexOf(':') + 1);
  } else {
    return false;
  }
  return timingSafeEqual(digest(presented), digest(token));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackAddress(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Does the request's Host header name this machine's loopback interface? */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : (hostHeader.split(':', 1)[0] ?? '');
  const lower = name.toLowerCase();
  return LOOPBACK_NAMES.has(lower) || lower.endsWith('.localhost') || isLoopbackAddress(lower);
}
