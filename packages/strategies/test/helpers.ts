/**
 * Test helpers: real core `Backend` objects (no sockets; their URLs are identities only),
 * a minimal `PickRequest`, and a shorthand that turns picks into letters `a`, `b`, `c`...
 */
import { Backend, type BackendView, type PickRequest, type Strategy } from '@helios/core';

export function makeBackends(weights: number | readonly number[]): Backend[] {
  const list = typeof weights === 'number' ? Array.from({ length: weights }, () => 1) : weights;
  return list.map(
    (weight, index) =>
      new Backend({ url: new URL(`http://127.0.0.1:${20_001 + index}`), weight, index }),
  );
}

/** Named backends with the given weights: `const [a, b] = fleet(5, 1)`. */
export function fleet<const W extends readonly number[]>(
  ...weights: W
): { -readonly [K in keyof W]: Backend } {
  return makeBackends(weights) as { -readonly [K in keyof W]: Backend };
}

/** `a` for the backend on port 20001, `b` for 20002, ...; `-` for none. */
export function letter(backend: BackendView | undefined): string {
  if (backend === undefined) return '-';
  return String.fromCharCode(97 + Number(backend.url.port) - 20_001);
}

export function request(clientAddress = '127.0.0.1', headers: Record<string, string> = {}) {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const pickRequest: PickRequest = { clientAddress, header: (name) => lower.get(name) };
  return pickRequest;
}

const anyRequest = request();

export function picks(strategy: Strategy, count: number, exclude?: BackendView): string {
  let out = '';
  for (let i = 0; i < count; i++) out += letter(strategy.pick(anyRequest, exclude));
  return out;
}

export function counts(strategy: Strategy, count: number): Record<string, number> {
  const tally: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const l = letter(strategy.pick(anyRequest));
    tally[l] = (tally[l] ?? 0) + 1;
  }
  return tally;
}
