/**
 * Durations in helios.yaml: whole milliseconds as a number, or a string with units
 * (`500ms`, `10s`, `2m`, `1h`, also compounds such as `1m30s`). Everything resolves to ms.
 */
import { z } from 'zod';

/** Node timers overflow (and fire at once) above 2^31-1 ms, so longer durations are refused. */
export const MAX_DURATION_MS = 2_147_483_647;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/gy;
/** The same grammar as `parseDuration`, for the JSON Schema (editors check it as you type). */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h)\\s*)+$';

/** Parses a duration string to whole ms; `undefined` when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (;;) {
    const match = PART.exec(trimmed);
    if (match === null) break;
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    end = PART.lastIndex;
    while (trimmed[end] === ' ') end++;
    PART.lastIndex = end;
  }
  return end === trimmed.length ? Math.round(total) : undefined;
}

/** Formats ms the way a person would write it in helios.yaml (`30s`, `5m`, `1500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

export interface DurationOptions {
  /** Smallest allowed value in ms (0 when zero has a meaning, such as "disabled"). */
  min: number;
  description: string;
}

/** A duration field: accepts ms or a unit string, outputs ms. The error text is what is expected. */
export function durationSchema({ min, description }: DurationOptions) {
  const expected =
    min > 0
      ? `a duration of at least ${formatDuration(min)}: milliseconds (1500) or a number with a unit ms, s, m or h (500ms, 10s, 2m)`
      : 'a duration: milliseconds (1500) or a number with a unit ms, s, m or h (500ms, 10s, 2m; 0 disables)';
  return z
    .union(
      [
        z
          .number({ error: expected })
          .int({ error: expected })
          .min(min, { error: expected })
          .max(MAX_DURATION_MS, { error: expected }),
        z.string({ error: expected }).regex(new RegExp(DURATION_PATTERN), { error: expected }),
      ],
      { error: expected },
    )
    .transform((value, ctx) => {
      const ms = typeof value === 'number' ? value : (parseDuration(value) ?? Number.NaN);
      if (!(ms >= min) || ms > MAX_DURATION_MS) {
        ctx.addIssue({
          code: 'custom',
          message: expected,
          input: value,
          params: {
            problem:
              ms > MAX_DURATION_MS ? 'longer than Node timers allow (about 24 days)' : undefined,
          },
        });
        return z.NEVER;
      }
      return ms;
    })
    .describe(description);
}
