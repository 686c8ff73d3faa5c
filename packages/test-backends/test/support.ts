/** Small real-socket clients and polling helpers shared by the tests. */

import { type Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  agent?: Agent | false;
  /** Abort with an error when no response head arrives in time. */
  timeoutMs?: number;
}

/** One request with node:http; rejects with the socket error (code ECONNREFUSED, ...). */
export function send(url: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('aborted', () =>
          reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })),
        );
        res.on('end', () => {
          if (!res.complete) return;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('error', reject);
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => {
        req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' }));
      });
    }
    req.end(options.body);
  });
}

export async function text(url: string, options?: SendOptions): Promise<string> {
  return (await send(url, options)).body.toString('utf8');
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(check: () => boolean, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return String((error as { code: unknown }).code);
  }
  return undefined;
}

/** Retries an async action until it succeeds or the deadline passes (rethrows the last error). */
export async function eventually<T>(action: () => Promise<T>, deadlineMs = 5000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
