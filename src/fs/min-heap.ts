// A binary min-heap of integers: the free inode numbers, so allocation always
// takes the lowest free number (deterministic, and keeps the table dense).
export class MinHeap {
  private items: number[] = [];

  static from(values: number[]): MinHeap {
    const heap = new MinHeap();
    heap.items = [...values].sort((a, b) => a - b); // a sorted array is a valid heap
    return heap;
  }

  get size(): number { return this.items.length; }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): number | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) { a[0] = last; this.siftDown(0); }
    return top;
  }

  private siftDown(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l] < a[m]) m = l;
      if (r < a.length && a[r] < a[m]) m = r;
      if (m === i) return;
      [a[m], a[i]] = [a[i], a[m]];
      i = m;
    }
  }
}
