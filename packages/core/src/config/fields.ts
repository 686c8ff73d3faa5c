/** Small field builders every part of the schema shares, so each kind of value reads alike. */
import { z } from 'zod';

/** A whole number in [min, max]; the message says exactly that. */
export function wholeNumber(min: number, max: number, description: string) {
  const expected = `a whole number from ${min} to ${max}`;
  return z
    .number({ error: expected })
    .int({ error: expected })
    .min(min, { error: expected })
    .max(max, { error: expected })
    .describe(description);
}

export function flag(description: string) {
  return z.boolean({ error: 'true or false' }).describe(description);
}
