// The client side of PBFT (§4.1, §5), pure: request numbering, retransmission
// with randomized back-off, and voting on replies. The runtime feeds it replies
// (already MAC-checked) and clock ticks, and carries out its outputs.
import type { ClientAuth, ClientId, ClientOutput, Reply, ReplicaId, Request } from './types.js';
import { primaryOf, quorumsFor } from './quorums.js';
import type { Quorums } from './quorums.js';
import { bytesEqual } from './bytes.js';
import { mulberry32 } from './prng.js';
import { assert } from './assert.js';
import { BIG_REQUEST_BYTES_MIN } from './config.js';
import { RttEstimator } from './rtt-estimator.js';

export interface ClientCoreConfig {
  id: ClientId;
  n: number;
  /** First timestamp; derive it from the wall clock at start so restarts never reuse one. */
  initialTimestamp: number;
  /** Seed of the back-off PRNG (randomness is injected to keep the core pure). */
  seed: number;
  /** First retransmission timeout (default 150 ms, as the BFT library). */
  firstTimeoutMs?: number;
  /** Back-off cap (default 1 s). */
  timeoutMsMax?: number;
  /**
   * Read-write requests encoded at least this big go to every replica at once
   * (the primary orders them by digest only); default BIG_REQUEST_BYTES_MIN,
   * the replicas' default bigRequestBytesMin.
   */
  bigRequestBytesMin?: number;
  /** TEST-ONLY: accept f matching replies instead of f+1 (the simulator's "checkers have teeth"). */
  mutations?: { weakReplyQuorum?: boolean };
}

interface Outstanding {
  timestamp: number;
  op: Uint8Array;
  readOnly: boolean;
  replier: number;
  replies: Map<ReplicaId, Reply>;
  /** Full results whose digest checked out (a few at most: one per distinct digest). */
  results: { digest: Uint8Array; result: Uint8Array }[];
  timeoutMs: number;
  deadlineMs: number | null;
  askedAllFull: boolean;
  /** Clock reading when it was first sent (null before the first tick). */
  startMs: number | null;
  /** Read-only: the 2f+1 replicas asked first; null once every replica was asked (and for read-write). */
  targets: ReplicaId[] | null;
}

/** Cap on a replica's read-only suspicion count (see ClientCore.suspicion). */
const SUSPICION_MAX = 8;

export class ClientCore {
  private readonly q: Quorums;
  private readonly random: () => number;
  private nextTimestamp: number;
  private view = 0;
  private nowMs: number | null = null;
  private readonly queue: { op: Uint8Array; readOnly: boolean }[] = [];
  private cur: Outstanding | null = null;
  /**
   * Per replica: how often it recently failed a read-only request it was asked
   * (no reply in time, or a reply the decision did not match), minus its good
   * answers. Read-only requests go to the 2f+1 least suspected replicas.
   */
  private readonly suspicion: number[];
  /** Round-trip estimates for the first timeout, read-only and read-write apart (a big write is slower than a read). */
  private readonly rtt = { readOnly: new RttEstimator(), readWrite: new RttEstimator() };

  constructor(readonly config: ClientCoreConfig, private readonly auth: ClientAuth) {
    this.q = quorumsFor(config.n);
    assert(Number.isSafeInteger(config.initialTimestamp) && config.initialTimestamp >= 0, 'initialTimestamp must be a non-negative integer');
    this.nextTimestamp = config.initialTimestamp;
    this.random = mulberry32(config.seed);
    this.suspicion = new Array<number>(config.n).fill(0);
  }

  /** The view the client believes current (from f+1 replies). */
  get knownView(): number {
    return this.view;
  }

  /** Requests submitted and not yet done (the outstanding one included). */
  get pending(): number {
    return this.queue.length + (this.cur ? 1 : 0);
  }

  submit(op: Uint8Array, readOnly: boolean): ClientOutput[] {
    this.queue.push({ op, readOnly });
    return this.cur ? [] : this.startNext();
  }

  private firstTimeoutMs(readOnly: boolean): number {
    const first = this.config.firstTimeoutMs ?? 150;
    return this.rtt[readOnly ? 'readOnly' : 'readWrite'].timeoutMs(first, Math.max(first, this.config.timeoutMsMax ?? 1000));
  }

  private startNext(): ClientOutput[] {
    const next = this.queue.shift();
    if (!next) return [];
    const firstTimeoutMs = this.firstTimeoutMs(next.readOnly);
    this.cur = {
      timestamp: this.nextTimestamp++, op: next.op, readOnly: next.readOnly, replier: primaryOf(this.view, this.config.n),
      replies: new Map(), results: [], timeoutMs: firstTimeoutMs,
      deadlineMs: this.nowMs === null ? null : this.nowMs + firstTimeoutMs, askedAllFull: false, startMs: this.nowMs, targets: null,
    };
    if (next.readOnly) return this.sendReadOnly(this.cur);
    // Read-write goes to the primary first, unless it is big: the primary
    // orders a big request by digest only, so every replica needs the client's own copy.
    const out = this.send(this.cur.replier);
    if (out.auth.request.length >= (this.config.bigRequestBytesMin ?? BIG_REQUEST_BYTES_MIN)) out.to = 'all';
    return [out];
  }

  /**
   * Read-only needs 2f+1 matching replies: ask the 2f+1 least suspected
   * replicas (the first of them sends the full result), and the others only
   * when those cannot decide (a reply that does not match, or none by the
   * timeout). Asking all n cost every replica the work and the client n - 2f - 1
   * more messages each way: every node on one event loop, 1 client, getattr CPU per op
   * 374-476 -> 333-426 µs, median 0.28-0.40 -> 0.23-0.33 ms.
   */
  private sendReadOnly(c: Outstanding): ClientOutput[] {
    const primary = primaryOf(this.view, this.config.n);
    const order = [...Array(this.config.n).keys()].sort((a, b) =>
      this.suspicion[a] - this.suspicion[b] || Number(a === primary) - Number(b === primary) || a - b);
    c.targets = order.slice(0, this.q.quorum);
    c.replier = c.targets[0];
    const out = this.send(c.targets[0]);
    return c.targets.map((to) => ({ ...out, to }));
  }

  /** The 2f+1 asked first cannot decide: ask the rest (same request, same replier). */
  private widenReadOnly(c: Outstanding): ClientOutput[] {
    const asked = c.targets ?? [];
    c.targets = null;
    const out = this.send(0);
    const rest: ClientOutput[] = [];
    for (let to = 0; to < this.config.n; to++) if (!asked.includes(to)) rest.push({ ...out, to });
    return rest;
  }

  /**
   * After a read-only decision: replicas asked that matched it earn trust back;
   * if every replica had to be asked, the ones that did not match lose it.
   */
  private noteReadOnlyOutcome(c: Outstanding, winner: Uint8Array): void {
    if (c.targets !== null) {
      for (const r of c.replies.keys()) this.suspicion[r] = Math.max(0, this.suspicion[r] - 1);
      return;
    }
    for (let r = 0; r < this.config.n; r++) {
      const got = c.replies.get(r);
      if (got && bytesEqual(got.resultDigest, winner)) this.suspicion[r] = Math.max(0, this.suspicion[r] - 1);
      else this.suspicion[r] = Math.min(SUSPICION_MAX, this.suspicion[r] + 2);
    }
  }

  private send(to: ReplicaId | 'all'): Extract<ClientOutput, { type: 'send' }> {
    const c = this.cur;
    assert(c !== null, 'send without an outstanding request');
    const req: Request = { client: this.config.id, timestamp: c.timestamp, op: c.op, readOnly: c.readOnly, replier: c.replier };
    return { type: 'send', to, auth: this.auth.sealRequest(req) };
  }

  tick(nowMs: number): ClientOutput[] {
    this.nowMs = nowMs;
    const c = this.cur;
    if (!c) return [];
    if (c.deadlineMs === null) c.deadlineMs = nowMs + c.timeoutMs;
    c.startMs ??= nowMs;
    if (nowMs < c.deadlineMs) return [];
    // A quorum agrees on a result whose designated replier never delivered it: everyone sends it in full.
    if (!c.askedAllFull && this.winningDigest(c) !== null) {
      c.deadlineMs = nowMs + c.timeoutMs;
      return [this.askAllFull(c)];
    }
    if (c.readOnly && c.targets) {
      c.deadlineMs = nowMs + c.timeoutMs;
      return this.widenReadOnly(c);
    }
    if (c.readOnly) return this.retryReadWrite();
    // Randomized exponential back-off, capped.
    const cap = this.config.timeoutMsMax ?? 1000;
    c.timeoutMs = Math.min(cap, Math.round(c.timeoutMs * (1.5 + this.random())));
    c.deadlineMs = nowMs + c.timeoutMs;
    return [this.send('all')];
  }

  /** A read-only request without 2f+1 matching replies goes through the ordered path. */
  private retryReadWrite(): ClientOutput[] {
    const c = this.cur;
    assert(c !== null, 'retry without an outstanding request');
    // A fresh timestamp: late read-only replies (same result shape, not ordered)
    // must never count as replies to the ordered request.
    c.timestamp = this.nextTimestamp++;
    c.readOnly = false;
    c.targets = null;
    c.replies.clear();
    c.results.length = 0;
    c.timeoutMs = this.firstTimeoutMs(false);
    c.deadlineMs = this.nowMs === null ? null : this.nowMs + c.timeoutMs;
    return [this.send('all')];
  }

  onReply(reply: Reply): ClientOutput[] {
    const c = this.cur;
    if (!c || reply.client !== this.config.id || reply.timestamp !== c.timestamp) return [];
    if (!Number.isInteger(reply.replica) || reply.replica < 0 || reply.replica >= this.config.n) return [];
    if (reply.full) {
      // A full result that does not hash to its digest is a lie: ignore that reply.
      if (!bytesEqual(this.auth.digest(reply.result), reply.resultDigest)) return [];
      if (resultFor(c, reply.resultDigest) === undefined) c.results.push({ digest: reply.resultDigest, result: reply.result });
    }
    c.replies.set(reply.replica, reply);
    return this.vote(c);
  }

  private vote(c: Outstanding): ClientOutput[] {
    const winner = this.winningDigest(c);
    if (winner === null) {
      if (!c.readOnly || this.readOnlyStillPossible(c)) return [];
      if (c.targets) return this.widenReadOnly(c);
      return this.retryReadWrite();
    }
    const result = resultFor(c, winner.digest);
    if (!result) {
      // Agreement on a digest, but the designated replier did not deliver. Its
      // reply is the big one and often lands just after the others' digests:
      // until it answered (or the timeout, tick), wait rather than make every
      // replica send the whole result.
      if (c.askedAllFull || (c.replier >= 0 && !c.replies.has(c.replier))) return [];
      return [this.askAllFull(c)];
    }
    this.view = Math.max(this.view, winner.view);
    if (c.readOnly) this.noteReadOnlyOutcome(c, winner.digest);
    if (c.startMs !== null && this.nowMs !== null) this.rtt[c.readOnly ? 'readOnly' : 'readWrite'].sample(this.nowMs - c.startMs);
    this.cur = null;
    return [{ type: 'done', timestamp: c.timestamp, result }, ...this.startNext()];
  }

  private askAllFull(c: Outstanding): ClientOutput {
    c.askedAllFull = true;
    c.replier = -1;
    return this.send('all');
  }

  /**
   * The digest that has a certificate, with the view it proves (the (f+1)-th
   * highest among its voters). It runs on every reply (n per op), so it groups
   * the at most n replies by comparing digests pairwise in place, without hex
   * keys, maps or sorting per call (those were ~2% of all CPU at 64 clients).
   * Groups are tried in the order their digest first appeared among the replies.
   */
  private winningDigest(c: Outstanding): { digest: Uint8Array; view: number } | null {
    const weak = this.config.mutations?.weakReplyQuorum ? this.q.f : this.q.weak;
    const rs = this.scratch;
    for (const r of c.replies.values()) rs.push(r);
    let winner: { digest: Uint8Array; view: number } | null = null;
    for (let i = 0; i < rs.length && winner === null; i++) {
      const digest = rs[i].resultDigest;
      if (firstIndexOf(rs, digest, i) < i) continue;   // this digest's group was tried already
      let size = 0;
      let committed = 0;
      for (let j = i; j < rs.length; j++) {
        if (!bytesEqual(rs[j].resultDigest, digest)) continue;
        size++;
        if (!rs[j].tentative) committed++;
      }
      const won = c.readOnly
        ? size >= this.q.quorum
        : (committed >= weak && weak > 0) || this.sameViewCount(rs, i, digest) >= this.q.quorum;
      if (won) winner = { digest, view: this.provenView(rs, i, digest) };
    }
    rs.length = 0;   // holds no reply (their results may be big) between votes
    return winner;
  }

  /** Replies of the current vote (reused: winningDigest runs on every reply). */
  private readonly scratch: Reply[] = [];

  /**
   * The (f+1)-th highest view among the replies from index `from` on that carry
   * `digest` (the lowest of them if fewer): the view v with fewer than k+1 views
   * above it and at least k+1 at or above it, k = min(f, voters - 1). Counted
   * in place rather than sorted: Array.prototype.sort allocates a work copy
   * (1% of all bytes allocated at 64 clients).
   */
  private provenView(rs: Reply[], from: number, digest: Uint8Array): number {
    let voters = 0;
    for (let j = from; j < rs.length; j++) if (bytesEqual(rs[j].resultDigest, digest)) voters++;
    const k = Math.min(this.q.f, voters - 1);
    for (let i = from; i < rs.length; i++) {
      if (!bytesEqual(rs[i].resultDigest, digest)) continue;
      const v = rs[i].view;
      let above = 0;
      let atOrAbove = 0;
      for (let j = from; j < rs.length; j++) {
        if (!bytesEqual(rs[j].resultDigest, digest)) continue;
        if (rs[j].view > v) above++;
        if (rs[j].view >= v) atOrAbove++;
      }
      if (above <= k && k < atOrAbove) return v;
    }
    assert(false, 'provenView: a group without voters');
  }

  /** Largest number of replies (tentative or not) in one view, among those from index `from` on that carry `digest`. */
  private sameViewCount(rs: Reply[], from: number, digest: Uint8Array): number {
    let best = 0;
    for (let i = from; i < rs.length; i++) {
      if (!bytesEqual(rs[i].resultDigest, digest)) continue;
      let k = 0;
      for (let j = from; j < rs.length; j++) if (rs[j].view === rs[i].view && bytesEqual(rs[j].resultDigest, digest)) k++;
      best = Math.max(best, k);
    }
    return best;
  }

  private readOnlyStillPossible(c: Outstanding): boolean {
    const rs = [...c.replies.values()];
    let best = 0;
    for (let i = 0; i < rs.length; i++) {
      let k = 0;
      for (let j = 0; j < rs.length; j++) if (bytesEqual(rs[j].resultDigest, rs[i].resultDigest)) k++;
      best = Math.max(best, k);
    }
    // Replicas that may still answer: the ones asked that have not yet.
    const pending = c.targets ? c.targets.filter((r) => !c.replies.has(r)).length : this.config.n - c.replies.size;
    return best + pending >= this.q.quorum;
  }
}

/** The full result whose digest is `digest`, if one arrived and checked out. */
function resultFor(c: Outstanding, digest: Uint8Array): Uint8Array | undefined {
  for (const r of c.results) if (bytesEqual(r.digest, digest)) return r.result;
  return undefined;
}

/** Index of the first reply in rs[0..end) whose digest is `digest` (end if none). */
function firstIndexOf(rs: Reply[], digest: Uint8Array, end: number): number {
  for (let i = 0; i < end; i++) if (bytesEqual(rs[i].resultDigest, digest)) return i;
  return end;
}
