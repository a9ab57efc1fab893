// The last reply per client, kept AS REPLICATED STATE next to the inodes: it
// is covered by the state digest, snapshots and state transfer (one reserved
// partition), so a replica that caught up by state transfer still recognises
// a duplicate request and answers it without executing it again. The file
// tree treats the result bytes as opaque.
import { ByteWriter, type ByteReader } from './bytes.js';
import { HashTree, type HashFn } from './hash-tree.js';

export interface ClientReply { client: number; timestamp: number; result: Uint8Array }

// Client ids are u32: fanout 16, depth 8 covers them, so one change re-hashes
// 8 small nodes whatever the table size.
const CLIENT_TREE_DEPTH = 8;
const CLIENT_ID_MAX = 0xffffffff;

interface Entry { timestamp: number; result: Uint8Array }

export class ClientTable {
  private readonly entries = new Map<number, Entry>();
  private readonly tree = new HashTree(CLIENT_TREE_DEPTH);
  // client -> entry before the tentative batch (undefined: there was none).
  private journal: Map<number, Entry | undefined> | undefined;
  private readonly scratch = new ByteWriter();

  constructor(private readonly hash: HashFn, readonly clientsMax: number) {}

  get size(): number { return this.entries.size; }

  // Records the reply; false (nothing recorded) for a new client when the
  // table is full, or for values that cannot be encoded. Deterministic, so
  // every replica refuses the same ones. The table keeps `result` itself, as
  // replaceAll does: the caller hands it over and never changes it (the
  // replica keeps the same array in its reply cache). A copy cost 0.4 µs per
  // request: a Uint8Array over 64 bytes gets an off-heap backing store.
  set(client: number, timestamp: number, result: Uint8Array): boolean {
    if (!Number.isInteger(client) || client < 0 || client > CLIENT_ID_MAX) return false;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) return false;
    if (!this.entries.has(client) && this.entries.size >= this.clientsMax) return false;
    if (this.journal && !this.journal.has(client)) this.journal.set(client, this.entries.get(client));
    this.entries.set(client, { timestamp, result });
    this.tree.markDirty(client);
    return true;
  }

  get(client: number): ClientReply | undefined {
    const e = this.entries.get(client);
    return e && { client, timestamp: e.timestamp, result: e.result.slice() };
  }

  // Every entry, ascending by client id.
  list(): ClientReply[] {
    return [...this.entries.keys()].sort((a, b) => a - b).map((c) => this.get(c) as ClientReply);
  }

  // ── tentative execution ──

  begin(): void { this.journal = new Map(); }
  commit(): void { this.journal = undefined; }
  rollback(): void {
    const j = this.journal;
    this.journal = undefined;
    if (!j) return;
    for (const [client, saved] of j) {
      if (saved) this.entries.set(client, saved); else this.entries.delete(client);
      this.tree.markDirty(client);
    }
  }

  // ── digest ──

  // 32 zero bytes (EMPTY_ROOT) for an empty table.
  root(): Uint8Array {
    return this.tree.root(this.hash, (client) => this.leaf(client));
  }

  private leaf(client: number): Uint8Array | undefined {
    const e = this.entries.get(client);
    if (!e) return undefined;
    return this.hash(this.scratch.reset().u8(0x52).u53(client).u53(e.timestamp).bytes(e.result).bytesView());
  }

  // ── encoding (snapshots and the reserved partition) ──

  encode(w: ByteWriter): void {
    const list = this.list();
    w.u53(list.length);
    for (const e of list) w.u53(e.client).u53(e.timestamp).bytes(e.result);
  }

  // Reads what encode() wrote; throws on anything malformed.
  static decode(r: ByteReader, clientsMax: number, what: string): ClientReply[] {
    const count = r.u53();
    if (count > clientsMax) throw new Error(`${what}: ${count} client replies exceed clientsMax ${clientsMax}`);
    const out: ClientReply[] = [];
    let last = -1;
    for (let i = 0; i < count; i++) {
      const client = r.u53();
      const timestamp = r.u53();
      const result = r.bytes();
      if (client <= last || client > CLIENT_ID_MAX) throw new Error(`${what}: client ${client} out of order or out of range`);
      last = client;
      out.push({ client, timestamp, result });
    }
    return out;
  }

  // Replaces the whole table (restore, partition import); not journaled.
  replaceAll(list: readonly ClientReply[]): void {
    if (this.journal) throw new Error('fs: client table replaced during tentative execution');
    for (const client of this.entries.keys()) this.tree.markDirty(client);
    this.entries.clear();
    for (const e of list) { this.entries.set(e.client, { timestamp: e.timestamp, result: e.result }); this.tree.markDirty(e.client); }
  }
}
