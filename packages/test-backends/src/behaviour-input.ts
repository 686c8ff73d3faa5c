/**
 * Turns untrusted input (control API JSON, CLI strings) into a `Partial<Behaviour>`, with
 * messages that name the offending key. Range checks happen later in `mergeBehaviour`.
 */

import { type Behaviour, behaviourKeys, type ResetMode } from './behaviour.js';
import { TestBackendError } from './errors.js';

function invalid(where: string, message: string): TestBackendError {
  return new TestBackendError('HELIOS_TEST_BACKENDS_INVALID_BEHAVIOUR', `${where}: ${message}`);
}

function isBehaviourKey(key: string): key is keyof Behaviour {
  return (behaviourKeys as readonly string[]).includes(key);
}

/** Reads a JSON object's behaviour keys; JSON `null` for `status` means "unset". */
export function behaviourFromJson(
  input: Record<string, unknown>,
  where: string,
): Partial<Behaviour> {
  const patch: Partial<Behaviour> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!isBehaviourKey(key)) {
      throw invalid(where, `unknown key "${key}"; known: ${behaviourKeys.join(', ')}`);
    }
    if (key === 'status' && value === null) {
      patch.status = undefined;
      continue;
    }
    if (key === 'latency' && Array.isArray(value)) {
      const [min, max] = value as unknown[];
      if (value.length !== 2 || typeof min !== 'number' || typeof max !== 'number') {
        throw invalid(
          where,
          `latency must be a number or [min, max], got ${JSON.stringify(value)}`,
        );
      }
      patch.latency = [min, max];
      continue;
    }
    Object.assign(patch, { [key]: value });
  }
  return patch;
}

function parseNumber(key: string, text: string, where: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw invalid(where, `${key} expects a number, got "${text}"`);
  }
  return value;
}

function parseBoolean(key: string, text: string, where: string): boolean {
  if (text === '' || text === 'true' || text === '1' || text === 'yes') return true;
  if (text === 'false' || text === '0' || text === 'no') return false;
  throw invalid(where, `${key} expects true or false, got "${text}"`);
}

/** Parses `100`, or a range `50-200` / `50..200`, in milliseconds. */
export function parseLatency(text: string, where: string): Behaviour['latency'] {
  const range = /^\s*(\d+(?:\.\d+)?)\s*(?:-|\.\.)\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (range) return [Number(range[1]), Number(range[2])];
  return parseNumber('latency', text, where);
}

/** Parses one `key=value` behaviour setting from the command line (kebab or camel case). */
export function behaviourFromText(rawKey: string, text: string, where: string): Partial<Behaviour> {
  const key = rawKey.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (!isBehaviourKey(key)) {
    throw invalid(where, `unknown behaviour "${rawKey}"; known: ${behaviourKeys.join(', ')}`);
  }
  switch (key) {
    case 'latency':
      return { latency: parseLatency(text, where) };
    case 'status':
      return { status: text === 'none' || text === '' ? undefined : parseNumber(key, text, where) };
    case 'reset':
      return { reset: (text === '' ? 'before-response' : text) as ResetMode };
    case 'refuse':
    case 'hang':
    case 'echo':
      return { [key]: parseBoolean(key, text, where) };
    default:
      return { [key]: parseNumber(key, text, where) };
  }
}
