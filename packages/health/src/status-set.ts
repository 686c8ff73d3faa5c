/**
 * A set of HTTP statuses built from inclusive ranges (`500-599`), answered by table lookup so the
 * passive checker can classify every finished request without looping or allocating.
 */

export interface StatusRangeLike {
  readonly from: number;
  readonly to: number;
}

const MAX_STATUS = 999;

export class StatusSet {
  readonly #table = new Uint8Array(MAX_STATUS + 1);

  constructor(ranges: readonly StatusRangeLike[]) {
    for (const range of ranges) {
      const from = Math.max(0, Math.trunc(range.from));
      const to = Math.min(MAX_STATUS, Math.trunc(range.to));
      for (let status = from; status <= to; status++) this.#table[status] = 1;
    }
  }

  has(status: number): boolean {
    return this.#table[status] === 1;
  }
}
