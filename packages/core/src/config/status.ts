/**
 * HTTP status lists in helios.yaml: a code (`503`), a class (`5xx`), an inclusive range
 * (`500-599`), or a list of those. They resolve to inclusive ranges, which is what the health
 * checkers test a status against.
 */
import { z } from 'zod';

/** Inclusive range of HTTP statuses, e.g. 500-599. */
export interface StatusRange {
  from: number;
  to: number;
}

const MIN_STATUS = 100;
const MAX_STATUS = 599;
export const STATUS_PATTERN = '^\\s*([1-5]xx|[1-5]\\d\\d(\\s*-\\s*[1-5]\\d\\d)?)\\s*$';
const CLASS = /^\s*([1-5])xx\s*$/i;
const RANGE = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/;

/** Parses one list entry to a range; `undefined` when it is not a status, class or range. */
export function parseStatus(entry: number | string): StatusRange | undefined {
  if (typeof entry === 'number') {
    return Number.isInteger(entry) && entry >= MIN_STATUS && entry <= MAX_STATUS
      ? { from: entry, to: entry }
      : undefined;
  }
  const cls = CLASS.exec(entry);
  if (cls !== null) {
    const from = Number(cls[1]) * 100;
    return { from, to: from + 99 };
  }
  const range = RANGE.exec(entry);
  if (range === null) return undefined;
  const from = Number(range[1]);
  const to = range[2] === undefined ? from : Number(range[2]);
  return from >= MIN_STATUS && to <= MAX_STATUS && from <= to ? { from, to } : undefined;
}

const EXPECTED =
  'HTTP statuses: a code (503), a class (5xx), a range (500-599) or a list of them, all within 100-599';

const entrySchema = z.union(
  [
    z
      .number({ error: EXPECTED })
      .int({ error: EXPECTED })
      .min(MIN_STATUS, { error: EXPECTED })
      .max(MAX_STATUS, { error: EXPECTED }),
    z.string({ error: EXPECTED }).regex(new RegExp(STATUS_PATTERN), { error: EXPECTED }),
  ],
  { error: EXPECTED },
);

/** One entry resolved to a range; reversed or out-of-bounds ranges (`599-500`) are refused. */
const rangeSchema = entrySchema.transform((entry, ctx): StatusRange => {
  const range = parseStatus(entry);
  if (range !== undefined) return range;
  ctx.addIssue({
    code: 'custom',
    message: EXPECTED,
    input: entry,
    params: { problem: 'the range is empty or outside 100-599' },
  });
  return z.NEVER;
});

/** A status list field: one entry or a list of entries, output as `StatusRange[]`. */
export function statusListSchema(description: string) {
  return z
    .union(
      [
        rangeSchema.transform((range) => [range]),
        z.array(rangeSchema, { error: EXPECTED }).min(1, { error: EXPECTED }),
      ],
      { error: EXPECTED },
    )
    .describe(description);
}
