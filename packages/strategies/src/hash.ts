/**
 * A fast 32-bit string hash for consistent hashing: FNV-1a over UTF-16 code units of a range
 * (so callers hash part of a header without slicing it), then the murmur3 finaliser to spread
 * FNV's weak low bits, which matter because tables index by `hash % size`.
 */

export function hashString(text: string, start = 0, end = text.length, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
