/**
 * A small strategy catalog for core's own tests (core must not depend on @helios/strategies):
 * `first` takes no options, `slow` takes a duration and a bounded whole number, and each has an
 * alias, so every path of catalog checking has something to bite on.
 */
import { z } from 'zod';
import { durationSchema } from '../../src/config/duration.js';
import { createStrategyCatalog } from '../../src/strategy-catalog.js';
import { TestRoundRobin } from './strategy.js';

const LEVEL_EXPECTED = 'a whole number from 1 to 3';

export const slowOptions = z.strictObject({
  pause: durationSchema({ min: 1, description: 'How long to think.' }).prefault('1s'),
  level: z
    .number({ error: LEVEL_EXPECTED })
    .int({ error: LEVEL_EXPECTED })
    .min(1, { error: LEVEL_EXPECTED })
    .max(3, { error: LEVEL_EXPECTED })
    .default(1)
    .describe('How slow.'),
});

/** What `create` received, so tests can see resolved options reach the factory. */
export const created: { name: string; options: unknown }[] = [];

export const testCatalog = createStrategyCatalog([
  {
    name: 'first',
    aliases: ['primary'],
    description: 'The first available backend.',
    options: z.strictObject({}),
    create: (options) => {
      created.push({ name: 'first', options });
      return new TestRoundRobin();
    },
  },
  {
    name: 'slow',
    aliases: ['tortoise'],
    description: 'Thinks before it picks.',
    options: slowOptions,
    create: (options) => {
      created.push({ name: 'slow', options });
      return new TestRoundRobin();
    },
  },
]);
