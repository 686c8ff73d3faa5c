/** The options schema of a strategy that takes none: any option given is reported as unknown. */
import { z } from 'zod';

export const noOptions = z.strictObject({});
