/**
 * An indexed binary min-heap of backend positions for `least-connections`: ordered by load,
 * then, among equal loads, by a weighted turn (stride scheduling): each pick moves a backend's
 * turn forward by 1 / weight, so tied backends are picked in proportion to their weights and
 * equal ones rotate. A backend that sat out (busier, or down) rejoins at the current virtual
 * time instead of replaying the turns it missed, so it gets no burst. Every operation is
 * O(log n) and allocation-free; positions can be re-filed when their load changes.
 */
/** The stride of a backend whose weight is (momentarily) zero: last among its equals. */
const MAX_STRIDE = 1e9;

export class LoadHeap {
  /** Heap-ordered positions. */
  readonly #heap: Int32Array;
  /** Index of each position in `#heap`, -1 when not in it. */
  readonly #slot: Int32Array;
  readonly #load: Float64Array;
  /** When each position's next turn is due, in virtual time. */
  readonly #turn: Float64Array;
  /** The virtual time: the turn of the latest pick. */
  #now = 0;
  size = 0;

  constructor(capacity: number) {
    this.#heap = new Int32Array(capacity);
    this.#slot = new Int32Array(capacity).fill(-1);
    this.#load = new Float64Array(capacity);
    // Every turn starts due now; equal turns fall back to position, so config order goes first.
    this.#turn = new Float64Array(capacity);
  }

  has(position: number): boolean {
    return (this.#slot[position] ?? -1) >= 0;
  }

  top(): number {
    return this.#heap[0] ?? -1;
  }

  /** The position at heap index `index` (1 and 2 are the top's children), or -1. */
  child(index: number): number {
    return index < this.size ? (this.#heap[index] ?? -1) : -1;
  }

  loadAt(position: number): number {
    return this.#load[position] ?? 0;
  }

  /** Does `a` come before `b`: lower load; or equal load and an earlier turn; or config order. */
  before(a: number, b: number): boolean {
    const la = this.#load[a] ?? 0;
    const lb = this.#load[b] ?? 0;
    if (la !== lb) return la < lb;
    const ta = this.#turn[a] ?? 0;
    const tb = this.#turn[b] ?? 0;
    return ta < tb || (ta === tb && a < b);
  }

  insert(position: number, load: number): void {
    if (this.has(position)) {
      this.setLoad(position, load);
      return;
    }
    this.#load[position] = load;
    const index = this.size++;
    this.#heap[index] = position;
    this.#slot[position] = index;
    this.#up(index);
  }

  remove(position: number): void {
    const index = this.#slot[position] ?? -1;
    if (index < 0) return;
    this.#slot[position] = -1;
    const last = this.#heap[--this.size] ?? 0;
    if (index === this.size) return;
    this.#heap[index] = last;
    this.#slot[last] = index;
    this.#fix(index);
  }

  setLoad(position: number, load: number): void {
    const index = this.#slot[position] ?? -1;
    if (index < 0 || this.#load[position] === load) return;
    this.#load[position] = load;
    this.#fix(index);
  }

  /**
   * Records that `position` was just picked with `weight`: its next turn is 1 / weight later,
   * so among equal loads it comes back twice as often as a backend of half its weight.
   */
  touch(position: number, weight: number): void {
    const due = Math.max(this.#turn[position] ?? 0, this.#now);
    this.#now = due;
    this.#turn[position] = due + (weight > 0 ? 1 / weight : MAX_STRIDE);
    const index = this.#slot[position] ?? -1;
    if (index >= 0) this.#down(index);
  }

  #fix(index: number): void {
    if (!this.#up(index)) this.#down(index);
  }

  #up(index: number): boolean {
    const heap = this.#heap;
    const position = heap[index] ?? 0;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] ?? 0;
      if (!this.before(position, above)) break;
      heap[i] = above;
      this.#slot[above] = i;
      i = parent;
    }
    heap[i] = position;
    this.#slot[position] = i;
    return i !== index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const position = heap[index] ?? 0;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      let smallest = left;
      if (right < this.size && this.before(heap[right] ?? 0, heap[left] ?? 0)) smallest = right;
      const below = heap[smallest] ?? 0;
      if (!this.before(below, position)) break;
      heap[i] = below;
      this.#slot[below] = i;
      i = smallest;
    }
    heap[i] = position;
    this.#slot[position] = i;
  }
}
