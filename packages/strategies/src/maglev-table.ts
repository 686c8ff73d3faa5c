/**
 * Maglev lookup table (Eisenbud et al., NSDI 2016). Each backend derives a permutation of the
 * table slots from its id; backends take turns claiming their next free preferred slot until
 * the table is full. Lookups are one array read, every backend owns an almost equal share, and
 * adding or removing one of k backends moves only about 1/k of the slots.
 */
import { hashString } from './hash.js';

const OFFSET_SEED = 0x9e3779b9;
const SKIP_SEED = 0x7f4a7c15;

/** Default size: a prime well above the backend count keeps shares within about 1%. */
export const DEFAULT_TABLE_SIZE = 65_537;

export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** The default table size for `backends`: 65 537, or the next prime of at least 100 slots each. */
export function tableSizeFor(backends: number): number {
  let size = Math.max(DEFAULT_TABLE_SIZE, backends * 100);
  while (!isPrime(size)) size++;
  return size;
}

/**
 * Builds the table for backends identified by `ids` (order does not matter to the result
 * beyond ties; callers sort ids so every Helios process builds the same table). Entry s is the
 * position in `ids` of the backend that owns slot s. `size` must be prime.
 */
export function buildMaglevTable(ids: readonly string[], size: number): Int32Array {
  const table = new Int32Array(size).fill(-1);
  const n = ids.length;
  if (n === 0) return table;
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  const next = new Float64Array(n);
  ids.forEach((id, i) => {
    offset[i] = hashString(id, 0, id.length, OFFSET_SEED) % size;
    skip[i] = (hashString(id, 0, id.length, SKIP_SEED) % (size - 1)) + 1;
  });
  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      const o = offset[i] ?? 0;
      const s = skip[i] ?? 1;
      let k = next[i] ?? 0;
      let slot = (o + k * s) % size;
      while ((table[slot] ?? 0) >= 0) {
        k++;
        slot = (o + k * s) % size;
      }
      table[slot] = i;
      next[i] = k + 1;
      filled++;
      if (filled === size) return table;
    }
  }
}
