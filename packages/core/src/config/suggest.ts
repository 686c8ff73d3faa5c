/**
 * "Did you mean" for misspelt keys and names: a case- and separator-insensitive match first
 * (`max_connections` → `maxConnections`), then known aliases from other proxies (`leastconn`),
 * then the closest candidate by edit distance, if it is close enough to be a typo.
 */

/** The form names are compared in: lower case, without `-`, `_`, `.` or spaces. */
export const normaliseName = (text: string): string => text.toLowerCase().replace(/[-_\s.]/g, '');

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`stratgey`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

/** The candidate the user most likely meant, or `undefined` when none is close. */
export function closestMatch(
  input: string,
  candidates: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const wanted = normaliseName(input);
  if (wanted === '') return undefined;
  const exact = candidates.find((candidate) => normaliseName(candidate) === wanted);
  if (exact !== undefined) return exact;
  const alias = aliases[wanted];
  if (alias !== undefined && candidates.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3));
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normaliseName(candidate));
    if (distance < bestDistance || (distance === bestDistance && best === undefined)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
