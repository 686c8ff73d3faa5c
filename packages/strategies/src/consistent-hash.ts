/**
 * `consistent-hash`: session affinity. A key taken from the request (client IP, a header or a
 * cookie) is hashed into a Maglev table, so the same key reaches the same backend, across
 * Helios processes too, and adding or removing one of k backends remaps only about 1/k of keys.
 * When the key's backend is down, the request goes to the owner of the next slot of the table
 * (a different backend for different keys, so the load of a dead backend spreads out) and comes
 * back once it recovers.
 */
import type { BackendView, PickRequest, Strategy, StrategyDescriptor } from '@helios/core';
import { z } from 'zod';
import { isCandidate, lastResort } from './candidates.js';
import { buildMaglevTable, isPrime, tableSizeFor } from './maglev-table.js';
import { RequestKey, requestKeySchema } from './request-key.js';

/** Slots to walk past a down backend before scanning the list; only reached when most are down. */
const MAX_WALK = 64;

const TABLE_SIZE_EXPECTED = 'a whole number from 7 to 10000019';

/** `strategy: { name: consistent-hash, ... }` in helios.yaml. */
export const consistentHashOptionsSchema = z.strictObject({
  key: requestKeySchema
    .prefault('ip')
    .describe('What a request is hashed by: `ip`, `header:<name>` or `cookie:<name>`.'),
  tableSize: z
    .number({ error: TABLE_SIZE_EXPECTED })
    .int({ error: TABLE_SIZE_EXPECTED })
    .min(7, { error: TABLE_SIZE_EXPECTED })
    .max(10_000_019, { error: TABLE_SIZE_EXPECTED })
    .refine(isPrime, { error: 'a prime number, for example 65537' })
    .optional()
    .describe('Lookup table size for a Maglev table (a prime); strategy default if unset.'),
});

/**
 * Options in code: `key` is `ip` (default), `header:NAME` or `cookie:NAME`; `tableSize` the
 * Maglev table size, a prime (default 65 537, or larger for more than 655 backends).
 */
export type ConsistentHashOptions = Partial<z.output<typeof consistentHashOptionsSchema>>;

export class ConsistentHashStrategy implements Strategy {
  readonly name = 'consistent-hash';
  readonly #key: RequestKey;
  readonly #tableSize: number | undefined;
  /** Backends sorted by id: the table refers to positions in this list. */
  #backends: readonly BackendView[] = [];
  #table: Int32Array = new Int32Array(0);

  constructor(options: ConsistentHashOptions = {}) {
    this.#key = new RequestKey(options.key ?? 'ip');
    this.#tableSize = options.tableSize;
  }

  update(backends: readonly BackendView[]): void {
    // Sorting by id makes the table independent of the order of backends in helios.yaml.
    const list = backends.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const size = this.#tableSize ?? tableSizeFor(list.length);
    this.#table = buildMaglevTable(
      list.map((b) => b.id),
      size,
    );
    this.#backends = list;
  }

  pick(request: PickRequest, exclude?: BackendView): BackendView | undefined {
    const list = this.#backends;
    if (list.length === 0) return undefined;
    const table = this.#table;
    const size = table.length;
    const excludeId = exclude?.id;
    let slot = this.#key.hash(request) % size;
    const home = table[slot] ?? 0;
    for (let step = 0; step < MAX_WALK; step++) {
      const backend = list[table[slot] ?? 0];
      if (isCandidate(backend, excludeId)) return backend;
      slot++;
      if (slot === size) slot = 0;
    }
    // Nearly every backend is down: walk the list from the key's own backend instead.
    const n = list.length;
    for (let step = 1; step <= n; step++) {
      const backend = list[(home + step) % n];
      if (isCandidate(backend, excludeId)) return backend;
    }
    return lastResort(list, exclude);
  }

  /** The backend that owns `request`'s key when all are available (for tests and tooling). */
  owner(request: PickRequest): BackendView | undefined {
    const table = this.#table;
    if (table.length === 0) return undefined;
    return this.#backends[table[this.#key.hash(request) % table.length] ?? 0];
  }
}

export const consistentHashDescriptor: StrategyDescriptor<typeof consistentHashOptionsSchema> = {
  name: 'consistent-hash',
  aliases: ['hash', 'iphash', 'ringhash', 'maglev', 'ketama', 'sticky'],
  description: 'Session affinity: the same key goes to the same backend.',
  options: consistentHashOptionsSchema,
  create: (options) => new ConsistentHashStrategy(options),
};
