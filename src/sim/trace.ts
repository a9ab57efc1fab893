// The last N things that happened in a run, formatted only when a run fails.

export interface TraceEntry { timeMs: number; node: number; what: string; detail?: () => string }

export class Trace {
  private readonly ring: (TraceEntry | undefined)[];
  private next = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<TraceEntry | undefined>(Math.max(1, capacity));
  }

  add(entry: TraceEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.ring.length;
    this.total++;
  }

  entries(): TraceEntry[] {
    const out: TraceEntry[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const e = this.ring[(this.next + i) % this.ring.length];
      if (e !== undefined) out.push(e);
    }
    return out;
  }

  format(): string[] {
    return this.entries().map((e) => {
      const detail = e.detail === undefined ? '' : ` ${e.detail()}`;
      return `${String(e.timeMs).padStart(7)} ms  node ${String(e.node).padStart(4)}  ${e.what}${detail}`;
    });
  }

  get recorded(): number {
    return this.total;
  }
}
