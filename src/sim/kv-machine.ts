// A small deterministic key-value state machine for the simulator: put, get,
// append and compare-and-swap on string keys. Every op carries a unique id so
// the checkers can follow it from client to execution log to reply.
import type { ClientId, StateMachine } from '../pbft/types.js';
import { sha256 } from './fake-auth.js';
import { decodeValue, encodeValue, isRecord } from './sim-codec.js';

export type KvOp =
  | { kind: 'put'; id: string; key: string; value: string }
  | { kind: 'get'; id: string; key: string }
  | { kind: 'append'; id: string; key: string; value: string }
  | { kind: 'cas'; id: string; key: string; expect: string | null; value: string };

/** `value` is the key's value after the op (put: before), null when absent. */
export interface KvResult { ok: boolean; value: string | null }

export const BAD_OP_RESULT: KvResult = { ok: false, value: 'bad-op' };

export function encodeOp(op: KvOp): Uint8Array {
  return encodeValue(op);
}

export function decodeOp(bytes: Uint8Array): KvOp | null {
  const v = decodeValue(bytes);
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.key !== 'string') return null;
  const value = v.value;
  switch (v.kind) {
    case 'get': return { kind: 'get', id: v.id, key: v.key };
    case 'put':
    case 'append':
      return typeof value === 'string' ? { kind: v.kind, id: v.id, key: v.key, value } : null;
    case 'cas':
      if (typeof value !== 'string' || (v.expect !== null && typeof v.expect !== 'string')) return null;
      return { kind: 'cas', id: v.id, key: v.key, expect: v.expect, value };
    default: return null;
  }
}

export function encodeResult(r: KvResult): Uint8Array {
  return encodeValue(r);
}

export function decodeResult(bytes: Uint8Array): KvResult | null {
  const v = decodeValue(bytes);
  if (!isRecord(v) || typeof v.ok !== 'boolean' || (v.value !== null && typeof v.value !== 'string')) return null;
  return { ok: v.ok, value: v.value };
}

export function isReadOnly(op: KvOp): boolean {
  return op.kind === 'get';
}

/** Apply `op` to `store` (mutating it); the reference model the checkers replay. */
export function applyOp(store: Map<string, string>, op: KvOp): KvResult {
  const current = store.get(op.key) ?? null;
  switch (op.kind) {
    case 'get': return { ok: true, value: current };
    case 'put':
      store.set(op.key, op.value);
      return { ok: true, value: current };
    case 'append': {
      const next = (current ?? '') + op.value;
      store.set(op.key, next);
      return { ok: true, value: next };
    }
    case 'cas':
      if (current !== op.expect) return { ok: false, value: current };
      store.set(op.key, op.value);
      return { ok: true, value: op.value };
  }
}

/** Told about every execution, so the checkers see each replica's history. */
export interface KvObserver {
  onExecute(opId: string, tentative: boolean): void;
  onCommitTentative(): void;
  onRollbackTentative(): void;
}

type UndoEntry =
  | { kind: 'key'; key: string; prev: string | undefined }
  | { kind: 'reply'; client: ClientId; prev: LastReply | undefined };

export interface LastReply { timestamp: number; result: Uint8Array }

/** The state at a checkpoint: a full copy (fine for the simulator's few keys) and how many ops it holds. */
export interface KvCheckpoint { seq: number; entries: Map<string, string>; replies: Map<ClientId, LastReply>; opsExecuted: number }

export class KvMachine implements StateMachine {
  private readonly store = new Map<string, string>();
  /** The last reply per client, part of the replicated state so exactly-once survives state transfer. */
  private readonly replies = new Map<ClientId, LastReply>();
  private journal: UndoEntry[] | null = null;
  /** Ops executed and kept (tentative ones count once committed); the checkers' position. */
  private opsExecuted = 0;
  private opsTentative = 0;
  /** Checkpoint states from the stable one on, for lagging replicas (state transfer). */
  private readonly checkpoints = new Map<number, KvCheckpoint>();

  constructor(private readonly observer?: KvObserver) {}

  execute(opBytes: Uint8Array, _client: ClientId, _timeMs: number): Uint8Array {
    const op = decodeOp(opBytes);
    if (op === null) return encodeResult(BAD_OP_RESULT);
    this.journal?.push({ kind: 'key', key: op.key, prev: this.store.get(op.key) });
    const result = applyOp(this.store, op);
    if (this.journal !== null) this.opsTentative++;
    else this.opsExecuted++;
    this.observer?.onExecute(op.id, this.journal !== null);
    return encodeResult(result);
  }

  query(opBytes: Uint8Array, _client: ClientId): Uint8Array {
    const op = decodeOp(opBytes);
    if (op === null || !isReadOnly(op)) return encodeResult(BAD_OP_RESULT);
    return encodeResult(applyOp(this.store, op));
  }

  digest(): Uint8Array {
    const entries = [...this.store.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const replies = [...this.replies.entries()].sort((x, y) => x[0] - y[0]).map(([c, r]) => [c, r.timestamp, r.result]);
    return sha256(encodeValue([entries, replies]));
  }

  recordReply(client: ClientId, timestamp: number, result: Uint8Array): void {
    this.journal?.push({ kind: 'reply', client, prev: this.replies.get(client) });
    this.replies.set(client, { timestamp, result });
  }

  lastReplies(): Iterable<{ client: ClientId; timestamp: number; result: Uint8Array }> {
    return [...this.replies.entries()].map(([client, r]) => ({ client, timestamp: r.timestamp, result: r.result }));
  }

  /** Nested calls extend the open journal: one undo covers every open batch. */
  beginTentative(): void {
    if (this.journal === null) this.journal = [];
  }

  commitTentative(): void {
    if (this.journal === null) return;
    this.journal = null;
    this.opsExecuted += this.opsTentative;
    this.opsTentative = 0;
    this.observer?.onCommitTentative();
  }

  rollbackTentative(): void {
    if (this.journal === null) return;
    for (let i = this.journal.length - 1; i >= 0; i--) this.undo(this.journal[i]);
    this.journal = null;
    this.opsTentative = 0;
    this.observer?.onRollbackTentative();
  }

  private undo(u: UndoEntry): void {
    if (u.kind === 'key') {
      if (u.prev === undefined) this.store.delete(u.key);
      else this.store.set(u.key, u.prev);
    } else if (u.prev === undefined) {
      this.replies.delete(u.client);
    } else {
      this.replies.set(u.client, u.prev);
    }
  }

  checkpointTaken(seq: number): void {
    this.checkpoints.set(seq, { seq, entries: new Map(this.store), replies: new Map(this.replies), opsExecuted: this.opsExecuted });
  }

  checkpointStable(seq: number): void {
    for (const s of this.checkpoints.keys()) if (s < seq) this.checkpoints.delete(s);
  }

  /** The state as of checkpoint `seq`, if we still hold it. */
  checkpointState(seq: number): KvCheckpoint | undefined {
    return this.checkpoints.get(seq);
  }

  /** Digest of a checkpoint state (what a fetching replica checks against the certified one). */
  static digestOf(cp: KvCheckpoint): Uint8Array {
    const m = new KvMachine();
    for (const [k, v] of cp.entries) m.store.set(k, v);
    for (const [c, r] of cp.replies) m.replies.set(c, r);
    return m.digest();
  }

  /** Replace the whole state with a transferred checkpoint state. */
  installCheckpoint(cp: KvCheckpoint): void {
    if (this.journal !== null) this.rollbackTentative();
    this.store.clear();
    for (const [k, v] of cp.entries) this.store.set(k, v);
    this.replies.clear();
    for (const [c, r] of cp.replies) this.replies.set(c, r);
    this.opsExecuted = cp.opsExecuted;
    this.checkpoints.clear();
    this.checkpoints.set(cp.seq, { ...cp, entries: new Map(cp.entries), replies: new Map(cp.replies) });
  }

  get executedOps(): number {
    return this.opsExecuted;
  }

  get size(): number {
    return this.store.size;
  }
}
