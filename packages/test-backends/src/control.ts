/**
 * The HTTP control API every backend serves on its own port at `/__control`:
 * `GET` returns `{ behaviour, stats }`; `POST` with a JSON `Partial<Behaviour>` changes it.
 * Extra POST keys: `restore: true` (back to defaults first), `resetStats: true`, and
 * `restoreAfterMs: N` (restore defaults N ms later — the only way back from `refuse` over HTTP).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { behaviourToJSON } from './behaviour.js';
import { behaviourFromJson } from './behaviour-input.js';
import { TestBackendError } from './errors.js';
import type { BackendHost } from './host.js';

export const CONTROL_PATH = '/__control';
const MAX_CONTROL_BODY = 64 * 1024;
const extraKeys = new Set(['restore', 'resetStats', 'restoreAfterMs']);

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

export function describe(host: BackendHost): Record<string, unknown> {
  return { backend: host.index, behaviour: behaviourToJSON(host.behaviour), stats: host.stats };
}

export function handleControl(host: BackendHost, req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    sendJson(res, 200, describe(host));
    return;
  }
  if (req.method !== 'POST') {
    req.resume();
    res.setHeader('allow', 'GET, POST');
    sendError(res, 405, 'METHOD_NOT_ALLOWED', `${CONTROL_PATH} accepts GET and POST only`);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_CONTROL_BODY) chunks.push(chunk);
  });
  req.once('error', () => {});
  req.once('end', () => {
    if (size > MAX_CONTROL_BODY) {
      sendError(res, 413, 'TOO_LARGE', `control body is limited to ${MAX_CONTROL_BODY} bytes`);
      return;
    }
    applyControl(host, Buffer.concat(chunks).toString('utf8'), res);
  });
}

function applyControl(host: BackendHost, text: string, res: ServerResponse): void {
  let input: unknown;
  try {
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    sendError(res, 400, 'INVALID_JSON', `${CONTROL_PATH} body is not JSON (${reason})`);
    return;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    sendError(res, 400, 'INVALID_JSON', `${CONTROL_PATH} body must be a JSON object`);
    return;
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!extraKeys.has(key)) fields[key] = value;
  }
  const { restore, resetStats, restoreAfterMs } = input as Record<string, unknown>;
  try {
    if (
      restoreAfterMs !== undefined &&
      (typeof restoreAfterMs !== 'number' || !(restoreAfterMs > 0))
    ) {
      throw new TestBackendError(
        'HELIOS_TEST_BACKENDS_INVALID_BEHAVIOUR',
        `${CONTROL_PATH}: restoreAfterMs must be a number of ms > 0, got ${String(restoreAfterMs)}`,
      );
    }
    const patch = behaviourFromJson(fields, CONTROL_PATH);
    // Refusing would cut this very response, so it is applied once the answer is sent.
    const refuseNow = patch.refuse === true;
    if (refuseNow) patch.refuse = undefined;
    if (restore === true) void host.reset();
    void host.set(patch);
    if (resetStats === true) host.resetStats();
    if (typeof restoreAfterMs === 'number') host.restoreAfter(restoreAfterMs);
    const answer = describe(host);
    if (refuseNow) {
      answer.behaviour = { ...behaviourToJSON(host.behaviour), refuse: true };
      res.shouldKeepAlive = false;
      res.once('finish', () => void host.set({ refuse: true }));
    }
    sendJson(res, 200, answer);
  } catch (error) {
    if (error instanceof TestBackendError) {
      sendError(res, 400, error.code, error.message);
      return;
    }
    throw error;
  }
}
