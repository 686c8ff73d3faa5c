/**
 * One full cycle of nginx's smooth weighted round robin for whole-number weights: the
 * sequence repeats every sum-of-weights picks, so computing it once lets picks be O(1).
 */

/**
 * `weights[i]` is position i's weight, NaN for positions left out. Returns `total` positions
 * in the order smooth weighted round robin picks them.
 */
export function smoothSchedule(weights: Float64Array, total: number): Int32Array {
  const cycle = new Int32Array(total);
  const current = new Float64Array(weights.length);
  for (let step = 0; step < total; step++) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] ?? Number.NaN;
      if (Number.isNaN(weight)) continue;
      const score = (current[i] ?? 0) + weight;
      current[i] = score;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    current[best] = bestScore - total;
    cycle[step] = best;
  }
  return cycle;
}
