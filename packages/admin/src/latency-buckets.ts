/**
 * A fixed log-linear latency scale for the dashboard's percentiles: eight sub-buckets per power
 * of two, in units of 1/64 ms, so every bucket is at most 12.5% wide and the whole range
 * (0 to ~131 s, slower lands in the last bucket) fits in 168 counters. Fixed size means a
 * minute of history per backend costs the same memory at 1 or 100 000 requests/s.
 */

const UNITS_PER_MS = 64;
const SUB_BITS = 3;
const SUB_COUNT = 1 << SUB_BITS;
const MAX_UNITS = (1 << 23) - 1;

export const LATENCY_BUCKETS = ((23 - 1 - SUB_BITS + 1) << SUB_BITS) + SUB_COUNT;

export function latencyBucket(ms: number): number {
  // Negative or NaN inputs land in bucket 0 rather than corrupting the index.
  const units = ms > 0 ? (ms * UNITS_PER_MS < MAX_UNITS ? (ms * UNITS_PER_MS) | 0 : MAX_UNITS) : 0;
  if (units < SUB_COUNT) return units;
  const exponent = 31 - Math.clz32(units);
  return (
    ((exponent - SUB_BITS + 1) << SUB_BITS) | ((units >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1))
  );
}

/** The middle of a bucket, in ms: what a percentile falling in it is reported as. */
export function bucketMidpointMs(index: number): number {
  if (index < SUB_COUNT) return (index + 0.5) / UNITS_PER_MS;
  const shift = (index >> SUB_BITS) - 1;
  const sub = index & (SUB_COUNT - 1);
  const lower = (SUB_COUNT + sub) * 2 ** shift;
  return (lower + 2 ** (shift - 1)) / UNITS_PER_MS;
}

/**
 * The value below which `q` (0..1) of the counted samples fall, or undefined with no samples.
 * `counts` may be longer than one histogram; only the first LATENCY_BUCKETS entries are read.
 */
export function quantileMs(
  counts: ArrayLike<number>,
  total: number,
  q: number,
): number | undefined {
  if (total <= 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return bucketMidpointMs(i);
  }
  return bucketMidpointMs(LATENCY_BUCKETS - 1);
}
