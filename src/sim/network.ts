// The simulated network: per message it decides, from the seeded PRNG, whether
// the message is lost, how late it arrives and whether a copy follows. Random
// per-message delays are what reorder messages. Partitions cut every link that
// crosses them; a crashed replica neither receives nor sends.
import type { Prng } from './prng.js';
import type { NetworkParams } from './scenario.js';

export class Network {
  private readonly cutOff = new Map<number, Set<number>>();
  private readonly crashed = new Set<number>();
  private faulty = true;

  constructor(private readonly prng: Prng, private readonly params: NetworkParams) {}

  /** Stop every fault: no more drops, duplicates, long delays or cuts. */
  heal(): void {
    this.faulty = false;
    this.cutOff.clear();
  }

  get healed(): boolean {
    return !this.faulty;
  }

  /** Cut `side` off from everyone else until unpartition(id). */
  partition(id: number, side: readonly number[]): void {
    if (this.faulty) this.cutOff.set(id, new Set(side));
  }

  unpartition(id: number): void {
    this.cutOff.delete(id);
  }

  crash(node: number): void {
    if (this.faulty) this.crashed.add(node);
  }

  restart(node: number): void {
    this.crashed.delete(node);
  }

  isCrashed(node: number): boolean {
    return this.crashed.has(node);
  }

  crashedNodes(): number[] {
    return [...this.crashed];
  }

  canReach(from: number, to: number): boolean {
    if (this.crashed.has(from) || this.crashed.has(to)) return false;
    for (const side of this.cutOff.values()) if (side.has(from) !== side.has(to)) return false;
    return true;
  }

  /** Delays (ms) of the copies of one message that will arrive: [] when lost. */
  plan(from: number, to: number): number[] {
    if (!this.canReach(from, to)) return [];
    if (!this.faulty) return [this.delay(false)];
    if (this.prng.chance(this.params.dropRate)) return [];
    const delays = [this.delay(true)];
    if (this.prng.chance(this.params.dupRate)) delays.push(this.delay(true));
    return delays;
  }

  private delay(faulty: boolean): number {
    const p = this.params;
    let d = p.baseDelayMs + this.prng.int(0, faulty ? p.jitterMs : 1);
    if (faulty && this.prng.chance(p.slowRate)) d += this.prng.int(1, p.slowDelayMsMax);
    return d;
  }
}
