// The simulator's checkers. Safety ones run on every observation and report
// the first divergence; linearizability and liveness run at the end of a run
// over everything the clients saw.
import type { ReplicaId } from '../pbft/types.js';
import { applyOp, type KvOp, type KvResult } from './kv-machine.js';
import { bytesEqual, toHex } from './sim-codec.js';

export type CheckerName = 'agreement' | 'exactly-once' | 'checkpoint' | 'linearizability' | 'liveness';

export interface Violation { checker: CheckerName; message: string }

/**
 * Agreement: correct replicas' committed execution histories are prefixes of
 * one common order. Execution is observed op by op through the state machine,
 * so this also catches a batch executed at the wrong sequence number, an op
 * executed twice, or ops of one batch in a different order.
 */
export class AgreementChecker {
  /** The committed order: the longest committed history of any correct replica. */
  readonly order: string[] = [];
  private readonly positions = new Map<string, number>();
  private readonly committedCount = new Map<ReplicaId, number>();
  private readonly tentative = new Map<ReplicaId, string[]>();
  private readonly firstBy: ReplicaId[] = [];
  /** Per-seq batch digests, for cores that report executions with their seq. */
  private readonly batches = new Map<number, { digest: string; replica: ReplicaId }>();

  constructor(private readonly report: (v: Violation) => void) {}

  positionOf(opId: string): number | undefined {
    return this.positions.get(opId);
  }

  committedLength(replica: ReplicaId): number {
    return this.committedCount.get(replica) ?? 0;
  }

  onExecute(replica: ReplicaId, opId: string, tentative: boolean): void {
    if (!tentative) {
      this.commit(replica, opId);
      return;
    }
    const pending = this.tentative.get(replica) ?? [];
    pending.push(opId);
    this.tentative.set(replica, pending);
  }

  onCommitTentative(replica: ReplicaId): void {
    const pending = this.tentative.get(replica) ?? [];
    this.tentative.delete(replica);
    for (const opId of pending) this.commit(replica, opId);
  }

  onRollbackTentative(replica: ReplicaId): void {
    this.tentative.delete(replica);
  }

  /** A replica installed a checkpoint state holding the first `opsExecuted` ops of the order (state transfer). */
  onStateTransferred(replica: ReplicaId, opsExecuted: number): void {
    this.tentative.delete(replica);
    this.committedCount.set(replica, opsExecuted);
  }

  /** A correct replica executed (and committed) the batch with digest `digestHex` at `seq`. */
  onBatch(replica: ReplicaId, seq: number, digestHex: string): void {
    const first = this.batches.get(seq);
    if (first === undefined) this.batches.set(seq, { digest: digestHex, replica });
    else if (first.digest !== digestHex) {
      this.report({
        checker: 'agreement',
        message: `seq ${seq}: replica ${first.replica} executed batch ${first.digest.slice(0, 16)}, replica ${replica} executed ${digestHex.slice(0, 16)}`,
      });
    }
  }

  private commit(replica: ReplicaId, opId: string): void {
    const index = this.committedLength(replica);
    this.committedCount.set(replica, index + 1);
    if (index < this.order.length) {
      if (this.order[index] !== opId) {
        this.report({
          checker: 'agreement',
          message: `position ${index}: replica ${this.firstBy[index]} executed op ${this.order[index]}, replica ${replica} executed op ${opId}`,
        });
      }
      return;
    }
    const earlier = this.positions.get(opId);
    if (earlier !== undefined) {
      this.report({ checker: 'exactly-once', message: `replica ${replica} executed op ${opId} at positions ${earlier} and ${index}` });
    }
    this.order.push(opId);
    this.firstBy.push(replica);
    this.positions.set(opId, index);
  }
}

/** Correct replicas report the same state digest for every checkpoint seq. */
export class CheckpointChecker {
  private readonly digests = new Map<number, { digest: Uint8Array; replica: ReplicaId }>();

  constructor(private readonly report: (v: Violation) => void) {}

  onCheckpoint(replica: ReplicaId, seq: number, digest: Uint8Array): void {
    const first = this.digests.get(seq);
    if (first === undefined) this.digests.set(seq, { digest, replica });
    else if (!bytesEqual(first.digest, digest)) {
      this.report({
        checker: 'checkpoint',
        message: `checkpoint ${seq}: replica ${first.replica} has state ${toHex(first.digest, 8)}, replica ${replica} has ${toHex(digest, 8)}`,
      });
    }
  }

  get count(): number {
    return this.digests.size;
  }
}

/** One client operation as the client saw it. */
export interface OpRecord {
  op: KvOp;
  client: number;
  invokeMs: number;
  responseMs?: number;
  result?: KvResult;
}

function sameResult(a: KvResult, b: KvResult): boolean {
  return a.ok === b.ok && a.value === b.value;
}

function describe(op: KvOp): string {
  return op.kind === 'get' ? `get(${op.key})` : op.kind === 'cas'
    ? `cas(${op.key}, ${op.expect}, ${op.value})` : `${op.kind}(${op.key}, ${op.value})`;
}

/** The committed order replayed: each position's result and each key's value changes. */
interface Replay {
  results: KvResult[];
  /** key -> positions (ascending) that wrote it, with the value after. */
  writes: Map<string, { pos: number; value: string | null }[]>;
}

function replay(order: readonly string[], ops: ReadonlyMap<string, OpRecord>): Replay {
  const store = new Map<string, string>();
  const results: KvResult[] = [];
  const writes = new Map<string, { pos: number; value: string | null }[]>();
  order.forEach((id, pos) => {
    const rec = ops.get(id);
    if (rec === undefined) {
      results.push({ ok: false, value: 'unknown-op' });
      return;
    }
    results.push(applyOp(store, rec.op));
    if (rec.op.kind !== 'get') {
      const list = writes.get(rec.op.key) ?? [];
      list.push({ pos, value: store.get(rec.op.key) ?? null });
      writes.set(rec.op.key, list);
    }
  });
  return { results, writes };
}

/**
 * The earliest state index s in [low, high] at which `key` holds `value`
 * (state s = after the first s ops of the order); undefined if none.
 */
function firstStateWith(rp: Replay, key: string, value: string | null, low: number, high: number): number | undefined {
  const list = rp.writes.get(key) ?? [];
  // Segment i starts at state (list[i-1].pos + 1) and holds list[i-1].value; segment 0 is the initial null.
  for (let i = 0; i <= list.length; i++) {
    const start = i === 0 ? 0 : list[i - 1].pos + 1;
    const end = i === list.length ? Number.POSITIVE_INFINITY : list[i].pos;
    const segValue = i === 0 ? null : list[i - 1].value;
    if (segValue !== value) continue;
    const s = Math.max(start, low);
    if (s <= Math.min(end, high)) return s;
  }
  return undefined;
}

/**
 * Linearizability of every completed op against the committed order: an
 * update's result must be the one at its position, a read's value must hold
 * at some state inside its real-time window, and real-time order must be
 * kept between all of them.
 */
export function checkLinearizable(order: readonly string[], ops: ReadonlyMap<string, OpRecord>): Violation[] {
  const out: Violation[] = [];
  const rp = replay(order, ops);
  const pos = new Map<string, number>();
  order.forEach((id, i) => {
    if (!ops.has(id)) out.push({ checker: 'linearizability', message: `position ${i} holds op ${id} that no client issued` });
    pos.set(id, i);
  });
  const completed = [...ops.entries()].filter(([, r]) => r.result !== undefined && r.responseMs !== undefined);
  // Completed updates sorted by response time, with the running max of their positions.
  const updates = completed
    .filter(([id, r]) => r.op.kind !== 'get' && pos.has(id))
    .map(([id, r]) => ({ resp: r.responseMs as number, pos: pos.get(id) as number, id }))
    .sort((a, b) => a.resp - b.resp);
  const maxPosBefore = (timeMs: number): { pos: number; id: string } | undefined => {
    let best: { pos: number; id: string } | undefined;
    for (const u of updates) {
      if (u.resp >= timeMs) break;
      if (best === undefined || u.pos > best.pos) best = u;
    }
    return best;
  };
  // Ordered ops invoked after `timeMs`, the earliest position among them.
  const minPosInvokedAfter = (timeMs: number): number => {
    let min = order.length;
    order.forEach((id, i) => {
      const r = ops.get(id);
      if (r !== undefined && r.invokeMs > timeMs && i < min) min = i;
    });
    return min;
  };
  checkUpdates(completed, pos, rp, maxPosBefore, out);
  checkReads(completed, rp, maxPosBefore, minPosInvokedAfter, out);
  return out;
}

type Completed = [string, OpRecord][];

function checkUpdates(
  completed: Completed, pos: Map<string, number>, rp: Replay,
  maxPosBefore: (t: number) => { pos: number; id: string } | undefined, out: Violation[],
): void {
  for (const [id, r] of completed) {
    if (r.op.kind === 'get') continue;
    const p = pos.get(id);
    const result = r.result as KvResult;
    if (p === undefined) {
      out.push({ checker: 'linearizability', message: `client ${r.client} got ${JSON.stringify(result)} for ${id} ${describe(r.op)}, which no correct replica committed` });
      continue;
    }
    if (!sameResult(rp.results[p], result)) {
      out.push({
        checker: 'linearizability',
        message: `client ${r.client} got ${JSON.stringify(result)} for ${id} ${describe(r.op)} at position ${p}; the committed order gives ${JSON.stringify(rp.results[p])}`,
      });
    }
    const before = maxPosBefore(r.invokeMs);
    if (before !== undefined && before.pos > p) {
      out.push({ checker: 'linearizability', message: `op ${id} (position ${p}) was invoked after ${before.id} (position ${before.pos}) completed` });
    }
  }
}

function checkReads(
  completed: Completed, rp: Replay,
  maxPosBefore: (t: number) => { pos: number; id: string } | undefined,
  minPosInvokedAfter: (t: number) => number, out: Violation[],
): void {
  const reads = completed.filter(([, r]) => r.op.kind === 'get').sort((a, b) => a[1].invokeMs - b[1].invokeMs);
  const placed: { resp: number; state: number }[] = [];
  for (const [id, r] of reads) {
    const result = r.result as KvResult;
    let low = (maxPosBefore(r.invokeMs)?.pos ?? -1) + 1;
    for (const p of placed) if (p.resp < r.invokeMs) low = Math.max(low, p.state);
    const high = minPosInvokedAfter(r.responseMs as number);
    const state = result.ok ? firstStateWith(rp, r.op.key, result.value, low, high) : undefined;
    if (state === undefined) {
      out.push({
        checker: 'linearizability',
        message: `client ${r.client} read ${JSON.stringify(result.value)} for ${id} ${describe(r.op)}; no state between positions ${low} and ${high} of the committed order has that value`,
      });
      continue;
    }
    placed.push({ resp: r.responseMs as number, state });
  }
}

/** Every op of a correct client has completed by the deadline. */
export function checkLiveness(ops: ReadonlyMap<string, OpRecord>, deadlineMs: number, nowMs: number): Violation[] {
  const pending = [...ops.entries()].filter(([, r]) => r.responseMs === undefined);
  if (pending.length === 0) return [];
  const ids = pending.slice(0, 5).map(([id, r]) => `${id} ${describe(r.op)} (invoked at ${r.invokeMs} ms)`).join(', ');
  return [{
    checker: 'liveness',
    message: `${pending.length} op(s) still pending at ${nowMs} ms (deadline ${deadlineMs} ms after faults healed): ${ids}`,
  }];
}
