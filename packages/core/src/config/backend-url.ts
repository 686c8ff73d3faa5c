/**
 * Backend URLs: an http or https origin and nothing else. Helios forwards the client's path and
 * query unchanged, so a path, query or fragment in a backend URL would be silently ignored;
 * refusing them up front is kinder than surprising routing. Credentials are refused so that
 * secrets never land in logs or status pages via the backend id.
 */
import { z } from 'zod';

export const BACKEND_URL_EXPECTED =
  'an http or https origin such as http://127.0.0.1:9001 (scheme, host and optional port only)';

export type BackendUrlResult =
  | { ok: true; url: URL }
  | { ok: false; problem: string; suggestion: string | undefined };

function tryUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Checks a backend URL and normalises it to its origin (`http://host:port/`). */
export function checkBackendUrl(text: string): BackendUrlResult {
  const trimmed = text.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? tryUrl(trimmed) : undefined;
  if (url === undefined) {
    const withScheme = tryUrl(`http://${trimmed}`);
    return {
      ok: false,
      problem: trimmed.includes('://') ? 'not a valid URL' : 'the scheme is missing',
      suggestion:
        withScheme !== undefined && !trimmed.includes('://') ? withScheme.origin : undefined,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const secure = url.protocol === 'wss:';
    const plain = url.protocol === 'ws:';
    return {
      ok: false,
      problem: `the scheme must be http or https, not ${url.protocol.slice(0, -1)}${secure || plain ? ' (WebSocket upgrades are proxied over http/https backends)' : ''}`,
      suggestion: secure || plain ? `${secure ? 'https' : 'http'}://${url.host}` : undefined,
    };
  }
  if (url.hostname === '')
    return { ok: false, problem: 'the host is missing', suggestion: undefined };
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      problem: 'credentials in backend URLs are not supported',
      suggestion: url.origin,
    };
  }
  if (url.port === '0') {
    return {
      ok: false,
      problem: 'port 0 is not a port a backend can listen on',
      suggestion: undefined,
    };
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return {
      ok: false,
      problem:
        'backend URLs take no path, query or fragment (Helios forwards the client path unchanged)',
      suggestion: url.origin,
    };
  }
  return { ok: true, url: new URL(url.origin) };
}

/** The `url` of a backend: a string in, a normalised `URL` out. */
export const backendUrlSchema = z
  .string({ error: BACKEND_URL_EXPECTED })
  .transform((text, ctx): URL => {
    const result = checkBackendUrl(text);
    if (result.ok) return result.url;
    ctx.addIssue({
      code: 'custom',
      message: BACKEND_URL_EXPECTED,
      input: text,
      params: { problem: result.problem, suggestion: result.suggestion },
    });
    return z.NEVER;
  })
  .meta({
    description: 'Backend origin: http(s)://host:port, no path other than `/`.',
    // For editors only: the transform above gives the precise reason at run time.
    pattern: '^\\s*[hH][tT][tT][pP][sS]?://',
  });
