/**
 * An indexed binary min-heap of backend positions for `least-connections`: ordered by load,
 * then by the turn a backend was last picked (earlier first, which makes ties rotate). Every
 * operation is O(log n) and allocation-free; positions can be re-filed when their load changes.
 */
export class LoadHeap {
  /** Heap-ordered positions. */
  readonly #heap: Int32Array;
  /** Index of each position in `#heap`, -1 when not in it. */
  readonly #slot: Int32Array;
  readonly #load: Float64Array;
  readonly #turn: Float64Array;
  #turns: number;
  size = 0;

  constructor(capacity: number) {
    this.#heap = new Int32Array(capacity);
    this.#slot = new Int32Array(capacity).fill(-1);
    this.#load = new Float64Array(capacity);
    // Start with turns in position order, so equal backends are first taken in config order.
    this.#turn = Float64Array.from({ length: capacity }, (_, i) => i);
    this.#turns = capacity;
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

  /** Does `a` come before `b`: lower load, or equal load and picked longer ago. */
  before(a: number, b: number): boolean {
    const la = this.#load[a] ?? 0;
    const lb = this.#load[b] ?? 0;
    return la < lb || (la === lb && (this.#turn[a] ?? 0) < (this.#turn[b] ?? 0));
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

  /** Records that `position` was just picked: it goes behind its equals. */
  touch(position: number): void {
    this.#turn[position] = ++this.#turns;
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
