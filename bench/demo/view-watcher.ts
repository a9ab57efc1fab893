// Watches a group's views through the Status RPC while the demo kills the
// primary: reports when a majority of the live replicas settle in a new view.
import type { LocalGroup } from '../lib/local-group.js';
import type { ReplicaStatus } from '../lib/status.js';

export interface ViewChangeSeen { fromView: number; toView: number; newPrimary: number; afterMs: number }

export class ViewWatcher {
  private timer: NodeJS.Timeout | null = null;
  private killedAt = 0;
  private fromView = 0;
  private resolveSeen: ((seen: ViewChangeSeen) => void) | null = null;
  readonly seen: Promise<ViewChangeSeen>;
  lastStatuses: (ReplicaStatus | null)[] = [];

  constructor(private readonly group: LocalGroup, private readonly dead: Set<number>, private readonly pollMs = 100) {
    this.seen = new Promise((resolve) => { this.resolveSeen = resolve; });
  }

  /** Start timing from the kill of the primary of `fromView`. */
  start(fromView: number, killedAt: number): void {
    this.fromView = fromView;
    this.killedAt = killedAt;
    this.schedule();
  }

  /** One poll at a time: the next is scheduled when this one has answered. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.poll().then(() => { if (this.timer) this.schedule(); });
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    const statuses = await this.group.statusAll(this.pollMs * 3);
    this.lastStatuses = statuses;
    const live = statuses.filter((s, i): s is ReplicaStatus => s !== null && !this.dead.has(i));
    const settled = live.filter((s) => s.view > this.fromView && !s.viewChanging);
    // 2f+1 = n - f replicas in the new view: the group can make progress again.
    const quorum = this.group.n - (this.group.n - 1) / 3;
    if (settled.length >= quorum && this.resolveSeen) {
      const toView = Math.max(...settled.map((s) => s.view));
      this.resolveSeen({ fromView: this.fromView, toView, newPrimary: settled.find((s) => s.view === toView)?.primary ?? -1, afterMs: Date.now() - this.killedAt });
      this.resolveSeen = null;
      this.stop();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
