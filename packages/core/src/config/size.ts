/**
 * Byte sizes in helios.yaml: a number of bytes, or a string with a unit. SI units are powers
 * of 1000 (`kB`, `MB`, `GB`) and IEC units powers of 1024 (`KiB`, `MiB`, `GiB`), as written
 * on the tin, so `16KiB` is exactly 16384 bytes.
 */
import { z } from 'zod';

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1_024,
  mib: 1_048_576,
  gib: 1_073_741_824,
};

export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][bB]|[kKmMgG]i[bB])\\s*$';
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i;

/** Parses `16KiB`, `10MB`, `512b` to whole bytes; `undefined` when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text);
  if (match === null) return undefined;
  const unit = UNIT_BYTES[(match[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

/** A size field: accepts bytes or a unit string, outputs bytes (at least `min`). */
export function sizeSchema(min: number, description: string) {
  const expected = `a size of at least ${min} bytes: a number of bytes (16384) or a number with a unit B, kB, MB, GB, KiB, MiB or GiB (16KiB, 10MB)`;
  return z
    .union(
      [
        z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }),
        z.string({ error: expected }).regex(new RegExp(SIZE_PATTERN), { error: expected }),
      ],
      { error: expected },
    )
    .transform((value, ctx) => {
      const bytes = typeof value === 'number' ? value : (parseSize(value) ?? Number.NaN);
      if (!(bytes >= min) || !Number.isSafeInteger(bytes)) {
        ctx.addIssue({ code: 'custom', message: expected, input: value });
        return z.NEVER;
      }
      return bytes;
    })
    .describe(description);
}
