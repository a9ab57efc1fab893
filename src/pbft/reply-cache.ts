// Last reply per client: exactly-once execution per (client, timestamp) and
// re-sending the reply to a retransmitted request. Tentative changes can be undone.
import type { ClientId } from './types.js';

export interface CachedReply {
  timestamp: number;
  result: Uint8Array;
  resultDigest: Uint8Array;
  tentative: boolean;
  view: number;
}

export class ReplyCache {
  private readonly last = new Map<ClientId, CachedReply>();
  /** Entries replaced by the outstanding tentative batch (undefined: there was none). */
  private undo: Map<ClientId, CachedReply | undefined> | null = null;

  get(client: ClientId): CachedReply | undefined {
    return this.last.get(client);
  }

  /** True when a request with this timestamp was already executed (or is older). */
  isStale(client: ClientId, timestamp: number): boolean {
    const c = this.last.get(client);
    return c !== undefined && timestamp <= c.timestamp;
  }

  set(client: ClientId, reply: CachedReply): void {
    if (this.undo && !this.undo.has(client)) this.undo.set(client, this.last.get(client));
    this.last.set(client, reply);
  }

  /** After a state transfer: the state's own record of the last reply per client. */
  replaceAll(entries: Iterable<{ client: ClientId; reply: CachedReply }>): void {
    this.last.clear();
    this.undo = null;
    for (const e of entries) this.last.set(e.client, e.reply);
  }

  beginTentative(): void {
    this.undo = new Map();
  }

  commitTentative(): void {
    if (!this.undo) return;
    for (const client of this.undo.keys()) {
      const c = this.last.get(client);
      if (c) c.tentative = false;
    }
    this.undo = null;
  }

  rollbackTentative(): void {
    if (!this.undo) return;
    for (const [client, prev] of this.undo) {
      if (prev) this.last.set(client, prev);
      else this.last.delete(client);
    }
    this.undo = null;
  }
}
