// A PBFT replica (Castro & Liskov, OSDI '99): a pure state machine driven by
// step(input) -> outputs. Normal case with batching, checkpoints and log GC,
// view change, tentative execution, read-only requests, digest replies.
import type {
  AuthRequest, Checkpoint, Commit, Input, Lagging, NewView, Output, PrePrepare, PrePreparedClaim, Prepare, ProtocolAuth,
  ProtocolMessage, Reply, ReplicaConfig, ReplicaId, ReplicaStatus, Request, Signed, StateMachine, ViewChange,
} from './types.js';
import type { ByzantineBehaviour, Mutations, ReplicaOptions } from './byzantine.js';
import type { GuardState, PrePrepareCheck } from './guards.js';
import type { LogEntry } from './log.js';
import type { CachedReply } from './reply-cache.js';
import type { NewViewPlan, VcContext } from './view-change.js';
import { BENIGN_REASONS, ignoreCheckpoint, ignoreCommit, ignoreLagging, ignoreNewView, ignorePrePrepare, ignorePrepare, ignoreViewChange } from './guards.js';
import { MessageLog, countMatching, notePrePrepared, prePreparedClaims, resetForView } from './log.js';
import { CheckpointTracker } from './checkpoints.js';
import { StateTransferTracker, type CertifiedCheckpoint } from './state-transfer.js';
import { RequestStore, type PendingRequest } from './requests.js';
import { ReplyCache } from './reply-cache.js';
import { ByzantineOutputs } from './byzantine-outputs.js';
import { checkNewViewO, checkViewChange, computeNewView } from './view-change.js';
import { batchBytes, batchDigest, batchDigestFrom, byDigest, isByDigest, requestDigests } from './batch.js';
import { BigRequestBodies } from './big-requests.js';
import { BIG_REQUEST_BYTES_MIN } from './config.js';
import { bytesEqual, corruptBytes, toHex } from './bytes.js';
import { primaryOf, quorumsFor } from './quorums.js';
import type { Quorums } from './quorums.js';
import { InvariantError, assert } from './assert.js';

export { defaultReplicaConfig } from './config.js';
export { BYZANTINE_BEHAVIOURS, isByzantineBehaviour } from './byzantine.js';
export type { ByzantineBehaviour, Mutations, ReplicaOptions } from './byzantine.js';

/** Results shorter than this always travel in full (a digest would not be smaller). */
const FULL_RESULT_BYTES_MIN = 64;
/** Re-sent protocol messages per retransmission round. */
const RETRANSMIT_ENTRIES_MAX = 16;
/** Read-only requests queued behind a tentative batch. */
const READ_QUEUE_MAX = 1024;
/** A read-only request waits at most this long for in-flight writes to execute. */
const READ_DEFER_TICKS_MAX = 5;
const BACKOFF_DOUBLINGS_MAX = 10;

/** What a replica kept on its own disk (`restore`). */
export interface RestorePoint {
  /** The stable checkpoint the state machine already holds (0: the initial state). */
  seq: number;
  digest: Uint8Array;
  /** Its 2f+1 signed CHECKPOINTs. */
  proof: Signed[];
  view: number;
  /** Committed batches above `seq`, in order: each the PRE-PREPARE and the PREPAREs and COMMITs as received (authenticators). */
  batches: Signed[][];
}

interface TentativeBatch { seq: number; digestHex: string; prevAgreedTimeMs: number }
interface HeldViewChange { view: number; signed: Signed; vc: ViewChange }

/** While catching up without progress, the request timer counts one tick in this many. */
const CATCH_UP_TIMER_SLOWDOWN = 4;

export class Replica implements GuardState {
  readonly q: Quorums;
  readonly log = new MessageLog();
  readonly checkpoints: CheckpointTracker;
  readonly vcCtx: VcContext;
  readonly transfer: StateTransferTracker;
  view = 0;
  /** False while a view change is in progress (`view` is then the view we move to). */
  active = true;
  nowMs = 0;
  lastExecuted = 0;
  lastCommitted = 0;

  private readonly requests = new RequestStore();
  private readonly replies = new ReplyCache();
  private readonly byzOut: ByzantineOutputs;
  private readonly byz: ByzantineBehaviour | undefined;
  private readonly mut: Mutations;
  private readonly nullDigest: Uint8Array;
  private readonly window: number;
  private out: Output[] = [];
  private ticks = 0;
  private lastAgreedTimeMs = 0;
  private tentative: TentativeBatch | null = null;
  private readQueue: Request[] = [];
  private readQueueSinceTick = 0;
  private nextSeq = 1;
  private lastProposedTimeMs = 0;
  /** Pre-prepares waiting for a client's own copy of a request, by request digest. */
  private readonly waiting = new Map<string, number[]>();
  /** Client copies of the big requests (ordered by digest only) that our log entries name. */
  private readonly bodies = new BigRequestBodies();
  /** The next batch to execute lacked a big request's copy at the last retransmission (stuckOnBodies). */
  private missingBodiesSeq: number | undefined;
  private readonly latestVc = new Map<ReplicaId, HeldViewChange>();
  private ownViewChange: Signed | undefined;
  private newViewSigned: Signed | undefined;
  private ownCheckpoint: Signed | undefined;
  private timerTicks = 0;
  private timerRequest: string | undefined;
  /** lastExecuted when the request timer last restarted while we were catching up. */
  private timerProgressSeq = 0;
  /** Highest sequence number committed here (in any order): beyond a gap, we are behind. */
  private highestCommitted = 0;
  private consecutiveViewChanges = 0;
  private minClientSeen = Number.POSITIVE_INFINITY;
  private readonly helped = new Set<string>();

  constructor(
    readonly config: ReplicaConfig,
    readonly auth: ProtocolAuth,
    private readonly sm: StateMachine,
    options: ReplicaOptions = {},
  ) {
    this.q = quorumsFor(config.n);
    assert(config.id >= 0 && config.id < config.n, `replica id ${config.id} outside 0..${config.n - 1}`);
    assert(config.checkpointInterval > 0, 'checkpointInterval must be positive');
    this.window = 2 * config.checkpointInterval;
    this.byz = options.byzantine;
    this.mut = options.mutations ?? {};
    this.byzOut = new ByzantineOutputs(this.byz);
    this.nullDigest = batchDigest(auth, 0, []);
    this.checkpoints = new CheckpointTracker({ seq: 0, digest: sm.digest(), proof: [] });
    this.transfer = new StateTransferTracker(this.q.quorum);
    this.vcCtx = { auth, q: this.q, checkpointInterval: config.checkpointInterval, ignorePrepared: this.mut.ignorePreparedInViewChange,
      skipPrePreparedCheck: this.mut.skipPrePreparedCheck };
  }

  get stableSeq(): number {
    return this.checkpoints.stable.seq;
  }

  step(input: Input): Output[] {
    this.out = [];
    try {
      switch (input.type) {
        case 'tick': this.onTick(input.nowMs); break;
        case 'request': this.onRequest(input.auth, input.request); break;
        case 'protocol': this.onProtocol(input.signed, input.msg); break;
        case 'stateTransferred': this.onStateTransferred(input.seq, input.digest); break;
      }
    } catch (err) {
      // Our own broken invariant: let it surface. Anything else came from a
      // malformed input that slipped past the guards: drop it, never crash.
      if (err instanceof InvariantError || input.type === 'tick') throw err;
      this.event('warn', 'dropped', { reason: 'malformed', msg: input.type, error: String(err) });
    }
    return this.byzOut.filter(this.out, input.type === 'tick');
  }

  status(): ReplicaStatus {
    const s = this.checkpoints.stable;
    return {
      id: this.config.id, view: this.view, primary: this.primary(), lastExecuted: this.lastExecuted,
      lastCommitted: this.lastCommitted, stableSeq: s.seq, stableDigest: s.digest, viewChanging: !this.active,
    };
  }

  // ── GuardState ──

  previousTimeMs(seq: number): number {
    const prev = this.log.get(seq - 1)?.prePrepare;
    const prevTime = prev && prev.requests.length > 0 ? prev.timeMs : 0;
    return Math.max(this.lastAgreedTimeMs, prevTime);
  }

  latestViewChangeView(replica: number): number {
    return this.latestVc.get(replica)?.view ?? -1;
  }

  // ── helpers ──

  private primary(view = this.view): ReplicaId {
    return primaryOf(view, this.config.n);
  }

  private isPrimary(): boolean {
    return this.primary() === this.config.id;
  }

  private seal(msg: ProtocolMessage): Signed {
    return this.auth.seal(msg);
  }

  private broadcast(signed: Signed): void {
    this.out.push({ type: 'broadcast', signed });
  }

  private event(level: 'debug' | 'info' | 'warn', event: string, fields: Record<string, string | number | boolean>): void {
    this.out.push({ type: 'event', level, event, fields });
  }

  private drop(reason: string, from: number, msg: string, fields: Record<string, string | number | boolean> = {}): void {
    const level = BENIGN_REASONS.has(reason) ? 'debug' : 'warn';
    this.event(level, 'dropped', { reason, from, msg, ...fields });
    if (reason === 'stale-view' || reason === 'already-in-view') this.helpStale(from);
  }

  /**
   * A replica still talks in an older view (it missed the NEW-VIEW, or a view
   * change it started alone): hand it the NEW-VIEW we installed. It is signed by
   * the new primary and self-verifying, so any replica can relay it.
   */
  private helpStale(to: number): void {
    if (!this.active || !this.newViewSigned || to < 0 || to >= this.config.n) return;
    const key = `nv:${to}`;
    if (this.helped.has(key)) return;
    this.helped.add(key);
    this.out.push({ type: 'send', to, signed: this.newViewSigned });
  }

  private currentTimeoutTicks(): number {
    return this.config.viewChangeTimeoutTicks * 2 ** Math.min(this.consecutiveViewChanges, BACKOFF_DOUBLINGS_MAX);
  }

  // ── protocol dispatch ──

  private onProtocol(signed: Signed, msg: ProtocolMessage): void {
    if (!Number.isInteger(signed.signer) || signed.signer < 0 || signed.signer >= this.config.n) {
      this.drop('unknown-signer', signed.signer, msg.type);
      return;
    }
    if (signed.signer === this.config.id) {
      this.drop('from-self', signed.signer, msg.type);
      return;
    }
    switch (msg.type) {
      case 'prePrepare': this.onPrePrepare(signed, msg.prePrepare); break;
      case 'prepare': this.onPrepare(signed, msg.prepare); break;
      case 'commit': this.onCommit(signed, msg.commit); break;
      case 'checkpoint': this.onCheckpoint(signed, msg.checkpoint); break;
      case 'lagging': this.onLagging(signed, msg.lagging); break;
      case 'viewChange': this.onViewChange(signed, msg.viewChange); break;
      case 'newView': this.onNewView(signed, msg.newView); break;
    }
  }

  // ── client requests ──

  private onRequest(auth: AuthRequest, request: Request): void {
    if (request.readOnly) {
      this.onReadOnly(request);
      return;
    }
    if (request.client < this.minClientSeen) this.minClientSeen = request.client;
    const cached = this.replies.get(request.client);
    if (cached && request.timestamp < cached.timestamp) {
      this.drop('stale-timestamp', request.client, 'request', { timestamp: request.timestamp });
      return;
    }
    if (cached && request.timestamp === cached.timestamp) {
      this.sendReply(request, cached);
      return;
    }
    const digest = this.auth.digest(auth.request);
    const digestHex = toHex(digest);
    // Whatever else we hold for this client, this copy may be what a pre-prepare waits for.
    const filled = this.fillWaiting(digestHex, auth, request);
    // Completing a pre-prepare can execute this very request at once: holding
    // it as pending after that would run our view-change timer for nothing.
    // (A tentative execution keeps it pending until it commits, as everywhere.)
    const done = this.replies.get(request.client);
    if (done && !done.tentative && request.timestamp <= done.timestamp) return;
    const existing = this.requests.forClient(request.client);
    if (existing && existing.request.timestamp >= request.timestamp) {
      // A retransmission: the client is still waiting, so make sure the primary has it.
      if (existing.request.timestamp === request.timestamp && this.active && !this.isPrimary()) this.forward(auth);
      return;
    }
    // The client moved on before the pre-prepare naming its older request reached us: keep that copy for it.
    if (existing && this.sentToAll(existing.auth)) this.bodies.hold(existing.digestHex, existing);
    this.requests.add({ auth, request, digest, digestHex }, filled);
    if (!this.active) return;
    if (this.isPrimary()) this.cutBatches();
    // A big request's client sent it to every replica, the primary included:
    // forwarding its bytes would only double them (a retransmission, above, still is).
    else if (!this.sentToAll(auth)) this.forward(auth);
  }

  /** Clients send requests from BIG_REQUEST_BYTES_MIN (or our own lower threshold) to every replica. */
  private sentToAll(auth: AuthRequest): boolean {
    return auth.request.length >= Math.min(this.config.bigRequestBytesMin, BIG_REQUEST_BYTES_MIN);
  }

  /** Big: travels by digest only in our pre-prepares (clients send requests from BIG_REQUEST_BYTES_MIN to every replica). */
  private isBig(auth: AuthRequest): boolean {
    return auth.request.length >= this.config.bigRequestBytesMin;
  }

  private forward(auth: AuthRequest): void {
    this.out.push({ type: 'forward', to: this.primary(), auth });
  }

  /** A client's own copy arrived: complete pre-prepares that were waiting for it. True if one of this view was. */
  private fillWaiting(digestHex: string, auth: AuthRequest, request: Request): boolean {
    const seqs = this.waiting.get(digestHex);
    if (!seqs) return false;
    this.waiting.delete(digestHex);
    let filled = false;
    for (const seq of seqs) {
      const e = this.log.get(seq);
      if (!e?.prePrepare) continue;
      for (let i = 0; i < e.requestHexes.length; i++) {
        if (e.requestHexes[i] === digestHex && e.requests[i] === null) {
          e.requests[i] = request;
          e.missingRequests--;
          if (isByDigest(e.prePrepare.requests[i])) this.bodies.keep(digestHex, { auth, request }, e.seq);
          if (e.view === this.view) filled = true;
        }
      }
      if (e.missingRequests === 0) this.afterPrePrepareComplete(e);
    }
    return filled;
  }

  private onReadOnly(request: Request, force = false): void {
    // Mid state transfer the state is neither old nor new: let the client ask others.
    if (this.transfer.fetching) return;
    // Answer from committed state, and only once what we have seen ordered is
    // executed: a read right after a write then matches on 2f+1 replicas
    // instead of timing out into the ordered path. Bounded (force) so a
    // replica that stays behind still answers.
    if (this.tentative || (!force && this.orderedAhead())) {
      if (this.readQueue.length >= READ_QUEUE_MAX) this.readQueue.shift();
      if (this.readQueue.length === 0) this.readQueueSinceTick = this.ticks;
      this.readQueue.push(request);
      return;
    }
    const result = this.sm.query(request.op, request.client);
    this.sendReply(request, {
      timestamp: request.timestamp, result, resultDigest: this.auth.digest(result), tentative: false, view: this.view,
    });
  }

  private sendReply(request: Request, cached: CachedReply): void {
    const id = this.config.id;
    let result = cached.result;
    let resultDigest = cached.resultDigest;
    if (this.byz === 'corrupt-replies') {
      result = corruptBytes(result);
      resultDigest = this.auth.digest(result);
    }
    const full = request.replier === -1 || request.replier === id || result.length < FULL_RESULT_BYTES_MIN;
    const reply: Reply = {
      view: this.view, timestamp: cached.timestamp, client: request.client, replica: id, tentative: cached.tentative,
      result: full ? result : new Uint8Array(0), resultDigest, full,
    };
    this.out.push({ type: 'reply', client: request.client, reply: this.auth.sealReply(reply) });
  }

  // ── primary: batching ──

  private cutBatches(): void {
    // Before the first tick we do not know the time to propose.
    if (!this.active || !this.isPrimary() || this.ticks === 0) return;
    while (
      this.requests.unassigned.size > 0
      && this.nextSeq - 1 - this.lastCommitted < this.config.inFlightBatchesMax
      && this.nextSeq <= this.stableSeq + this.window
    ) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.propose(batch);
    }
  }

  private takeBatch(): PendingRequest[] {
    const batch: PendingRequest[] = [];
    let bytes = 0;
    for (const [hex, p] of this.requests.unassigned) {
      if (this.replies.isStale(p.request.client, p.request.timestamp)) {
        this.requests.unassigned.delete(hex);
        continue;
      }
      if (this.byz === 'starve-client' && p.request.client === this.minClientSeen) continue;
      const size = p.auth.request.length;
      if (batch.length > 0 && bytes + size > this.config.batchBytesMax) break;
      batch.push(p);
      bytes += size;
      this.requests.unassigned.delete(hex);
      if (batch.length >= this.config.batchRequestsMax) break;
    }
    return batch;
  }

  private propose(batch: PendingRequest[]): void {
    const seq = this.nextSeq++;
    const timeMs = Math.max(this.nowMs, this.lastProposedTimeMs + 1, this.lastAgreedTimeMs + 1);
    this.lastProposedTimeMs = timeMs;
    const reqDigests = batch.map((b) => b.digest);
    // Big requests by digest only: the backups hold the client's copies.
    const requests = batch.map((b) => (this.isBig(b.auth) ? byDigest(b.digest) : b.auth));
    const pp: PrePrepare = { view: this.view, seq, digest: batchDigestFrom(this.auth, timeMs, reqDigests), timeMs, requests };
    const signed = this.seal({ type: 'prePrepare', prePrepare: pp });
    const e = this.log.open(seq, this.view);
    this.setPrePrepare(e, signed, pp, reqDigests);
    if (this.byz === 'equivocate') this.equivocate(pp, signed);
    else this.broadcast(signed);
    this.afterPrePrepareComplete(e);
  }

  /** 'equivocate': half the backups get a different batch (another time, so another digest). */
  private equivocate(pp: PrePrepare, signed: Signed): void {
    const timeMs = pp.timeMs + 1;
    const other: PrePrepare = { ...pp, timeMs, digest: batchDigest(this.auth, timeMs, pp.requests) };
    const otherSigned = this.seal({ type: 'prePrepare', prePrepare: other });
    for (let r = 0; r < this.config.n; r++) {
      if (r === this.config.id) continue;
      this.out.push({ type: 'send', to: r, signed: r % 2 === 0 ? signed : otherSigned });
    }
  }

  // ── normal case ──

  private onPrePrepare(signed: Signed, pp: PrePrepare): void {
    const check: PrePrepareCheck = { reqDigests: [] };
    const reason = ignorePrePrepare(this, signed, pp, check);
    if (reason) {
      if (reason === 'duplicate') this.helpLagging(pp.seq, signed.signer);
      this.drop(reason, signed.signer, 'prePrepare', { seq: pp.seq, view: pp.view });
      return;
    }
    const e = this.log.open(pp.seq, pp.view);
    this.setPrePrepare(e, signed, pp, check.reqDigests);
    if (e.missingRequests === 0) this.afterPrePrepareComplete(e);
  }

  /** Record an accepted pre-prepare and decode its requests (ours or the client's copies). */
  private setPrePrepare(e: LogEntry, signed: Signed, pp: PrePrepare, reqDigests: Uint8Array[]): void {
    e.prePrepare = pp;
    e.prePrepareSigned = signed;
    e.digestHex = toHex(pp.digest);
    notePrePrepared(e, pp, e.digestHex);
    e.requestHexes = reqDigests.map(toHex);
    e.requests = [];
    e.missingRequests = 0;
    for (let i = 0; i < pp.requests.length; i++) {
      const hex = e.requestHexes[i];
      const entry = pp.requests[i];
      const r = isByDigest(entry)
        ? this.bodyOf(hex, e.seq)
        : this.auth.openRequest(entry) ?? this.requests.byDigestHex(hex)?.request ?? null;
      e.requests.push(r);
      if (r === null) {
        // A big request whose client copy has not reached us yet, or our MAC
        // entry failed (a faulty client may be framing the primary). Wait for
        // the client's own copy (clients retransmit to all) before preparing.
        e.missingRequests++;
        const seqs = this.waiting.get(hex) ?? [];
        seqs.push(e.seq);
        this.waiting.set(hex, seqs);
      }
    }
  }

  /** The client's copy of the big request `hex` that entry `seq` names, kept as long as the entry; null if we have none yet. */
  private bodyOf(hex: string, seq: number): Request | null {
    const body = this.requests.byDigestHex(hex) ?? this.bodies.get(hex);
    if (!body) return null;
    this.bodies.keep(hex, { auth: body.auth, request: body.request }, seq);
    return body.request;
  }

  /**
   * The client copies we hold of the big requests entry `e` names, to one
   * replica (they pass its MAC check like the client's own): one that lacks a
   * copy (its client moved on, or the copy was lost) could never prepare the
   * batch otherwise.
   */
  private sendBodies(to: ReplicaId, e: LogEntry): void {
    const requests = e.prePrepare?.requests ?? [];
    for (let i = 0; i < requests.length; i++) {
      const body = isByDigest(requests[i]) ? this.bodies.get(e.requestHexes[i]) : undefined;
      if (body) this.out.push({ type: 'forward', to, auth: body.auth });
    }
  }

  private afterPrePrepareComplete(e: LogEntry): void {
    if (!this.isPrimary()) this.sendPrepare(e);
    this.checkPrepared(e);
  }

  private sendPrepare(e: LogEntry): void {
    if (e.sentPrepare || !e.prePrepare || e.view !== this.view || !this.active) return;
    const prepare: Prepare = { view: e.view, seq: e.seq, digest: e.prePrepare.digest, replica: this.config.id };
    const signed = this.seal({ type: 'prepare', prepare });
    e.sentPrepare = signed;
    e.prepares.set(this.config.id, { digestHex: e.digestHex ?? '', signed });
    this.broadcastVote(signed, () => this.seal({ type: 'prepare', prepare: { ...prepare, digest: corruptBytes(prepare.digest) } }));
  }

  /** Our own PREPARE/COMMIT to everyone; a 'wrong-digest' replica sends `corrupted()` instead but keeps the true vote in its log. */
  private broadcastVote(signed: Signed, corrupted: () => Signed): void {
    this.broadcast(this.byz === 'wrong-digest' ? corrupted() : signed);
  }

  private onPrepare(signed: Signed, p: Prepare): void {
    const reason = ignorePrepare(this, signed, p);
    if (reason) {
      if (reason === 'duplicate') this.helpLagging(p.seq, signed.signer);
      this.drop(reason, signed.signer, 'prepare', { seq: p.seq, view: p.view });
      return;
    }
    const e = this.log.open(p.seq, p.view);
    e.prepares.set(p.replica, { digestHex: toHex(p.digest), signed });
    this.checkPrepared(e);
  }

  private checkPrepared(e: LogEntry): void {
    if (e.prepared || !e.prePrepare || e.missingRequests > 0 || e.view !== this.view || !this.active) return;
    const primary = this.primary(e.view);
    const need = this.mut.prepareQuorum ? this.q.f : this.q.prepares;
    if (countMatching(e.prepares, e.digestHex, primary) < need) return;
    e.prepared = true;
    e.preparedPp = e.prePrepare;
    this.sendCommit(e);
    this.checkCommitted(e);
    this.tryExecute();
  }

  private sendCommit(e: LogEntry): void {
    if (e.sentCommit || !e.prePrepare) return;
    const commit: Commit = { view: e.view, seq: e.seq, digest: e.prePrepare.digest, replica: this.config.id };
    const signed = this.seal({ type: 'commit', commit });
    e.sentCommit = signed;
    e.commits.set(this.config.id, { digestHex: e.digestHex ?? '', signed });
    this.broadcastVote(signed, () => this.seal({ type: 'commit', commit: { ...commit, digest: corruptBytes(commit.digest) } }));
  }

  private onCommit(signed: Signed, c: Commit): void {
    const reason = ignoreCommit(this, signed, c);
    if (reason) {
      if (reason === 'duplicate') this.helpLagging(c.seq, signed.signer);
      this.drop(reason, signed.signer, 'commit', { seq: c.seq, view: c.view });
      return;
    }
    const e = this.log.open(c.seq, c.view);
    e.commits.set(c.replica, { digestHex: toHex(c.digest), signed });
    this.checkCommitted(e);
  }

  private checkCommitted(e: LogEntry): void {
    if (!e.prepared || e.committed) return;
    const need = this.mut.commitQuorum ? this.q.weak : this.q.quorum;
    if (countMatching(e.commits, e.digestHex) < need) return;
    e.committed = true;
    this.highestCommitted = Math.max(this.highestCommitted, e.seq);
    this.tryExecute();
  }

  /** A replica re-sent a message we already hold: it is missing ours, so send them again. */
  private helpLagging(seq: number, to: ReplicaId): void {
    const e = this.log.get(seq);
    if (!e || e.view !== this.view || !e.committed) return;
    // At most once per peer and seq per retransmission period, so two replicas never ping-pong.
    const key = `${to}:${seq}`;
    if (this.helped.has(key)) return;
    this.helped.add(key);
    if (this.isPrimary() && e.prePrepareSigned) this.out.push({ type: 'send', to, signed: e.prePrepareSigned });
    if (e.sentPrepare) this.out.push({ type: 'send', to, signed: e.sentPrepare });
    if (e.sentCommit) this.out.push({ type: 'send', to, signed: e.sentCommit });
  }

  /** A replica in our view has a gap after `lastExecuted`: re-send what we hold after it. */
  private onLagging(signed: Signed, l: Lagging): void {
    const reason = ignoreLagging(this, signed, l);
    if (reason) {
      this.drop(reason, signed.signer, 'lagging', { lastExecuted: l.lastExecuted });
      return;
    }
    this.helpBehind(signed.signer, l.lastExecuted, true);
  }

  /**
   * A replica re-sent a checkpoint below our stable one: it is behind, and it
   * may miss batches it cannot get otherwise. Re-send what we still hold after
   * its checkpoint (the primary's pre-prepares, our prepares and
   * commits) so it commits them normally, within this view; state transfer
   * covers larger gaps. `asked` (LAGGING): also the client copies we hold of
   * the big requests the next RETRANSMIT_ENTRIES_MAX batches name, committed
   * here or not: the replica may be stuck on one. Unasked (a stale
   * CHECKPOINT) it holds them as a rule, and 128 KiB copies it drops only
   * after checking their MAC made a replica a little behind fall further
   * behind (a 32 MiB write, every node on one event loop).
   */
  private helpBehind(to: ReplicaId, fromSeq: number, asked = false): void {
    const key = `${asked ? 'lag' : 'cp'}:${to}`;
    if (!this.active || this.helped.has(key)) return;
    this.helped.add(key);
    for (let seq = fromSeq + 1; seq <= fromSeq + this.config.checkpointInterval; seq++) {
      const e = this.log.get(seq);
      if (!e?.prePrepareSigned || e.view !== this.view) continue;
      if (asked && seq <= fromSeq + RETRANSMIT_ENTRIES_MAX) this.sendBodies(to, e);
      if (!e.committed || seq > this.lastCommitted) continue;
      // Votes first: a pre-prepare older than the time-skew bound is accepted once commits vouch for it.
      if (e.sentCommit) this.out.push({ type: 'send', to, signed: e.sentCommit });
      if (e.sentPrepare) this.out.push({ type: 'send', to, signed: e.sentPrepare });
      this.out.push({ type: 'send', to, signed: e.prePrepareSigned });
    }
  }

  // ── execution ──

  private tryExecute(): void {
    // While a state transfer runs, the state machine belongs to the runtime.
    if (this.transfer.fetching) return;
    for (;;) {
      if (this.tentative) {
        if (!this.commitTentative()) break;
        continue;
      }
      const e = this.log.get(this.lastExecuted + 1);
      if (!e?.prePrepare || e.missingRequests > 0) break;
      if (e.committed) {
        this.executeBatch(e, false);
        this.afterCommit(e.seq);
        continue;
      }
      if (this.config.tentativeExecution && e.prepared && this.active && e.view === this.view) {
        this.tentative = { seq: e.seq, digestHex: e.digestHex ?? '', prevAgreedTimeMs: this.lastAgreedTimeMs };
        this.sm.beginTentative();
        this.replies.beginTentative();
        this.executeBatch(e, true);
        continue;
      }
      break;
    }
    if (!this.tentative && !this.orderedAhead()) this.flushReads(false);
    this.cutBatches();
  }

  /** The next sequence number already has a pre-prepare in this view: a write is on its way. */
  private orderedAhead(): boolean {
    const next = this.log.get(this.lastExecuted + 1);
    return next?.prePrepare !== undefined && next.view === this.view;
  }

  private flushReads(force: boolean): void {
    if (this.readQueue.length === 0) return;
    const queued = this.readQueue;
    this.readQueue = [];
    for (const r of queued) this.onReadOnly(r, force);
  }

  /** The tentative batch committed: keep its effects. False if it has not committed yet. */
  private commitTentative(): boolean {
    const t = this.tentative;
    assert(t !== null, 'commitTentative without a tentative batch');
    const e = this.log.get(t.seq);
    if (!e || !e.committed || e.digestHex !== t.digestHex) return false;
    this.sm.commitTentative();
    this.replies.commitTentative();
    for (const r of e.requests) if (r) this.requests.executed(r.client, r.timestamp);
    this.tentative = null;
    this.event('debug', 'committed', { seq: t.seq, view: e.view, digest: t.digestHex });
    this.afterCommit(t.seq);
    return true;
  }

  private rollbackTentative(): void {
    const t = this.tentative;
    if (!t) return;
    this.sm.rollbackTentative();
    this.replies.rollbackTentative();
    this.lastExecuted = t.seq - 1;
    this.lastAgreedTimeMs = t.prevAgreedTimeMs;
    this.tentative = null;
    this.event('info', 'rolled-back', { seq: t.seq, digest: t.digestHex });
  }

  private executeBatch(e: LogEntry, tentative: boolean): void {
    const pp = e.prePrepare;
    assert(pp !== undefined && e.seq === this.lastExecuted + 1, `executing seq ${e.seq} out of order`);
    this.lastExecuted = e.seq;
    if (pp.requests.length > 0) this.lastAgreedTimeMs = Math.max(pp.timeMs, this.lastAgreedTimeMs + 1);
    const timeMs = this.lastAgreedTimeMs;
    for (const r of e.requests) {
      assert(r !== null, 'executing a batch with a missing request');
      const stale = this.replies.isStale(r.client, r.timestamp);
      // A tentative request stays pending (its view-change timer running) until it commits.
      if (!tentative) this.requests.executed(r.client, r.timestamp);
      if (stale) continue;
      const result = this.sm.execute(r.op, r.client, timeMs);
      this.sm.recordReply?.(r.client, r.timestamp, result);
      const cached: CachedReply = { timestamp: r.timestamp, result, resultDigest: this.auth.digest(result), tentative, view: e.view };
      this.replies.set(r.client, cached);
      this.sendReply(r, cached);
    }
    this.event('debug', 'executed', {
      seq: e.seq, view: e.view, digest: e.digestHex ?? '', requests: e.requests.length, tentative, timeMs,
    });
  }

  private afterCommit(seq: number): void {
    this.lastCommitted = seq;
    if (this.active) this.consecutiveViewChanges = 0;
    if (seq % this.config.checkpointInterval === 0) this.takeCheckpoint(seq);
  }

  // ── checkpoints ──

  private takeCheckpoint(seq: number): void {
    const stateDigest = this.sm.digest();
    this.sm.checkpointTaken?.(seq);
    this.checkpoints.recordOwn(seq, stateDigest);
    const cp: Checkpoint = { seq, stateDigest, replica: this.config.id };
    const signed = this.seal({ type: 'checkpoint', checkpoint: cp });
    this.ownCheckpoint = signed;
    this.checkpoints.addVote(seq, this.config.id, toHex(stateDigest), signed);
    this.broadcast(this.byz === 'bad-checkpoint'
      ? this.seal({ type: 'checkpoint', checkpoint: { ...cp, stateDigest: corruptBytes(stateDigest) } })
      : signed);
    this.checkStable(seq);
  }

  private onCheckpoint(signed: Signed, c: Checkpoint): void {
    const reason = ignoreCheckpoint(this, signed, c);
    if (!reason || reason === 'checkpoint-too-far-ahead') this.noteCheckpointVote(signed, c);
    if (reason) {
      // A stale CHECKPOINT below our stable one: its sender is behind, help it
      // (helpBehind, once per retransmission period). One AT our stable
      // checkpoint is every replica's periodic re-send and says nothing about
      // lag: helping then re-sent up to 3 x K messages per peer pair, each
      // answered as a duplicate (5-7 duplicates per op, 11% of the CPU per op
      // with every node on one event loop). A replica that state-transferred to
      // our stable checkpoint reports its gap with LAGGING once it sees later commits.
      if (reason === 'stale-checkpoint' && c.seq < this.stableSeq) this.helpBehind(signed.signer, c.seq);
      this.drop(reason, signed.signer, 'checkpoint', { seq: c.seq });
      return;
    }
    this.checkpoints.addVote(c.seq, c.replica, toHex(c.stateDigest), signed);
    this.checkStable(c.seq);
  }

  /** Stable once 2f+1 replicas (ours included: we must hold that state) agree. */
  private checkStable(seq: number): void {
    if (seq <= this.stableSeq) return;
    const own = this.checkpoints.ownDigest(seq);
    // Not there yet: we become stable when we reach it. If we cannot (the others
    // discarded what we miss), the state-transfer tracker notices from the votes.
    if (!own) return;
    const proof = this.checkpoints.certificate(seq, toHex(own), this.q.quorum);
    if (!proof) {
      if (this.checkpoints.anyCertified(seq, this.q.quorum)) {
        // 2f+1 replicas agree on another state: ours is corrupt (needs state transfer).
        this.event('warn', 'state-diverged', { seq, digest: toHex(own) });
      }
      return;
    }
    this.makeStable(seq, own, proof);
  }

  private makeStable(seq: number, digest: Uint8Array, proof: Signed[]): void {
    this.checkpoints.makeStable({ seq, digest, proof });
    this.sm.checkpointStable?.(seq);
    this.transfer.forgetUpTo(seq);
    // Keep one more interval to help replicas that fell just behind (helpBehind).
    this.log.discardUpTo(seq - this.config.checkpointInterval);
    this.bodies.discardUpTo(seq - this.config.checkpointInterval);
    for (const [hex, seqs] of this.waiting) {
      const live = seqs.filter((s) => s > seq);
      if (live.length === 0) this.waiting.delete(hex);
      else this.waiting.set(hex, live);
    }
    this.event('debug', 'checkpoint-stable', { seq, digest: toHex(digest) });
    this.cutBatches();
  }

  // ── state transfer (issue #6; the tracker is in state-transfer.ts) ──

  /** Every checkpoint vote, also beyond our window: 2f+1 of them above us say we are behind. */
  private noteCheckpointVote(signed: Signed, c: Checkpoint): void {
    if (c.seq <= this.lastExecuted) return;
    this.transfer.addVote(c.replica, c.seq, c.stateDigest, toHex(c.stateDigest), signed);
    this.maybeFetchState(false);
  }

  /** Ticks without progress while a certified checkpoint above us is known: our log cannot bridge the gap. */
  private tickStateTransfer(): void {
    if (this.transfer.fetching) return;
    const candidate = this.transfer.bestCertified(this.lastExecuted) !== null;
    const stalled = this.transfer.tick(this.lastExecuted, candidate) >= this.stateTransferStallTicks();
    if (candidate) this.maybeFetchState(stalled);
  }

  private stateTransferStallTicks(): number {
    return 2 * this.retransmitTicks();
  }

  private maybeFetchState(stalled: boolean): void {
    const best = this.transfer.bestCertified(this.lastExecuted);
    if (!best) return;
    const target = this.transfer.target;
    if (target && best.seq <= target.seq) return;
    // Beyond our window the others have discarded the batches we miss; inside
    // it, give normal retransmission a chance first.
    if (!target && !stalled && best.seq <= this.stableSeq + this.window) return;
    this.startStateTransfer(best);
  }

  private startStateTransfer(best: CertifiedCheckpoint): void {
    if (this.tentative) this.rollbackTentative();
    this.transfer.target = best;
    this.out.push({ type: 'fetchState', seq: best.seq, digest: best.digest });
    this.event('info', 'state-transfer-started', { seq: best.seq, digest: best.digestHex, lastExecuted: this.lastExecuted });
  }

  private onStateTransferred(seq: number, digest: Uint8Array): void {
    const t = this.transfer.target;
    if (!t || t.seq !== seq || !bytesEqual(t.digest, digest)) {
      this.event('warn', 'dropped', { reason: 'unexpected-state-transferred', from: this.config.id, msg: 'stateTransferred', seq });
      return;
    }
    this.transfer.target = null;
    this.restoreReplyCache();
    this.lastExecuted = seq;
    this.lastCommitted = Math.max(this.lastCommitted, seq);
    this.nextSeq = Math.max(this.nextSeq, seq + 1);
    // We hold this state now: vote for it like any replica that executed up to it.
    this.checkpoints.recordOwn(seq, digest);
    this.ownCheckpoint = this.seal({ type: 'checkpoint', checkpoint: { seq, stateDigest: digest, replica: this.config.id } });
    if (seq > this.stableSeq) this.makeStable(seq, digest, t.proof);
    this.transfer.forgetUpTo(seq);
    // Requests executed while we were away would keep our view-change timer running.
    this.requests.clear();
    this.event('info', 'state-transferred', { seq, digest: t.digestHex });
    this.tryExecute();
  }

  /**
   * Durability (issue #6, `--durability fsync`): start from what this replica
   * kept on its own disk, before the first step. The state machine already
   * holds checkpoint `point.seq` (digest checked here); the committed batches
   * logged after it are replayed in order through the normal execution path,
   * so re-executing them reproduces the state, the reply cache and the
   * checkpoints deterministically. Replay stops at the first batch that does
   * not verify or does not follow (a damaged log only loses its tail). Returns
   * the outputs (replies, CHECKPOINT votes) the replay produced.
   */
  restore(point: RestorePoint): Output[] {
    this.out = [];
    assert(this.lastExecuted === 0 && this.log.size === 0, 'restore must come before the first step');
    this.view = point.view;
    if (point.seq > 0) {
      assert(bytesEqual(point.digest, this.sm.digest()), `restored state does not match checkpoint ${point.seq}`);
      this.restoreReplyCache();
      this.lastExecuted = point.seq;
      this.lastCommitted = point.seq;
      this.checkpoints.recordOwn(point.seq, point.digest);
      this.ownCheckpoint = this.seal({ type: 'checkpoint', checkpoint: { seq: point.seq, stateDigest: point.digest, replica: this.config.id } });
      this.makeStable(point.seq, point.digest, point.proof);
    }
    for (const batch of point.batches) if (!this.replayBatch(batch)) break;
    this.nextSeq = Math.max(this.nextSeq, this.lastExecuted + 1);
    this.event('info', 'restored', { seq: point.seq, view: point.view, lastExecuted: this.lastExecuted, batches: point.batches.length });
    return this.out;
  }

  /** One logged batch: its PRE-PREPARE and the PREPAREs/COMMITs that certified it (each checked by its authenticator entry for us). */
  private replayBatch(batch: Signed[]): boolean {
    let ppSigned: Signed | undefined;
    let pp: PrePrepare | undefined;
    const votes: { signed: Signed; vote: Prepare | Commit; kind: 'prepares' | 'commits' }[] = [];
    for (const signed of batch) {
      const m = this.auth.open(signed);
      if (m?.type === 'prePrepare') { ppSigned = signed; pp = m.prePrepare; }
      else if (m?.type === 'prepare') votes.push({ signed, vote: m.prepare, kind: 'prepares' });
      else if (m?.type === 'commit') votes.push({ signed, vote: m.commit, kind: 'commits' });
    }
    if (!pp || !ppSigned || pp.seq !== this.lastExecuted + 1 || pp.seq > this.stableSeq + this.window) return false;
    const reqDigests = requestDigests(this.auth, pp.requests);
    if (!bytesEqual(batchDigestFrom(this.auth, pp.timeMs, reqDigests), pp.digest)) return false;
    const e = this.log.open(pp.seq, pp.view);
    this.setPrePrepare(e, ppSigned, pp, reqDigests);
    const hex = toHex(pp.digest);
    for (const v of votes) {
      if (v.vote.seq !== pp.seq || v.vote.view !== pp.view || v.vote.replica !== v.signed.signer) continue;
      e[v.kind].set(v.vote.replica, { digestHex: toHex(v.vote.digest), signed: v.signed });
      if (v.vote.replica === this.config.id) e[v.kind === 'prepares' ? 'sentPrepare' : 'sentCommit'] = v.signed;
    }
    if (e.missingRequests > 0 || countMatching(e.commits, hex) < this.q.quorum) return false;
    e.prepared = true;
    e.committed = true;
    e.preparedPp = pp;
    this.tryExecute();
    return this.lastExecuted === pp.seq;
  }

  /** The transferred state carries the last reply per client (if the state machine keeps it). */
  private restoreReplyCache(): void {
    const kept = this.sm.lastReplies?.();
    if (!kept) return;
    const entries: { client: number; reply: CachedReply }[] = [];
    for (const k of kept) {
      entries.push({
        client: k.client,
        reply: { timestamp: k.timestamp, result: k.result, resultDigest: this.auth.digest(k.result), tentative: false, view: this.view },
      });
    }
    this.replies.replaceAll(entries);
  }

  // ── ticks, timers, retransmission ──

  private onTick(nowMs: number): void {
    this.nowMs = nowMs;
    this.ticks++;
    if (this.active) {
      if (this.isPrimary()) this.cutBatches();
      // The primary runs the timer too: a primary that cannot get its own
      // requests committed (it lost its quorum) votes for the next view.
      this.tickRequestTimer();
    } else {
      this.tickNewViewTimer();
    }
    if (this.ticks % this.retransmitTicks() === 0) this.retransmit();
    if (this.readQueue.length > 0 && this.ticks - this.readQueueSinceTick >= READ_DEFER_TICKS_MAX) this.flushReads(true);
    this.tickStateTransfer();
    if (this.byz === 'spurious-view-change' && this.active && this.ticks % this.config.viewChangeTimeoutTicks === 0) {
      this.startViewChange(this.view + 1);
    }
  }

  private retransmitTicks(): number {
    return Math.max(2, Math.floor(this.config.viewChangeTimeoutTicks / 4));
  }

  /** Backups: suspect the primary when the oldest pending request waits too long. */
  private tickRequestTimer(): void {
    const oldest = this.requests.oldest();
    if (!oldest) {
      this.timerRequest = undefined;
      this.timerTicks = 0;
      return;
    }
    if (oldest.digestHex !== this.timerRequest) {
      this.timerRequest = oldest.digestHex;
      this.timerTicks = 0;
    }
    if (this.catchingUp()) {
      // Our own lag, not the primary, keeps the request waiting: a replica
      // that restarted empty and suspected the primary while fetching state
      // went alone into a higher view and never came back (issue #6). While
      // behind, wait for progress instead: a state transfer pauses the timer
      // (it has its own stall detection), executing anything restarts it.
      // Each condition needs 2f+1 votes, so at least f+1 correct replicas are
      // ahead of us, and a gap is filled by the others (LAGGING) or by a
      // state transfer.
      if (this.transfer.fetching || this.lastExecuted !== this.timerProgressSeq) {
        this.timerProgressSeq = this.lastExecuted;
        this.timerTicks = 0;
        return;
      }
      // No progress yet (votes for the checkpoint to fetch still on their way):
      // count slower rather than not at all, so that being kept behind forever
      // still ends in suspicion.
      if (this.ticks % CATCH_UP_TIMER_SLOWDOWN !== 0) return;
    }
    if (++this.timerTicks >= this.currentTimeoutTicks()) {
      this.event('info', 'primary-suspected', { view: this.view, primary: this.primary(), waitedTicks: this.timerTicks });
      this.startViewChange(this.view + 1);
    }
  }

  /** The group is provably ahead of us: a certified checkpoint, or a committed batch beyond a gap in our log. */
  private catchingUp(): boolean {
    return this.transfer.fetching || this.transfer.bestCertified(this.lastExecuted) !== null || this.hasGap();
  }

  /** A batch committed here (2f+1 commits) beyond one we miss: executing is blocked on our side. */
  private hasGap(): boolean {
    return !this.transfer.fetching && this.highestCommitted > this.lastExecuted + 1 && this.log.get(this.lastExecuted + 1)?.committed !== true;
  }

  /**
   * The next batch to execute names a big request (by digest) whose client
   * copy we still lack, as we did one retransmission period ago: its client
   * may have moved on (2f+1 others prepared it), or a NEW-VIEW re-proposed it
   * to us who never had it. Ask with LAGGING; the others re-send the copies
   * they hold (helpBehind). Called once per period.
   */
  private stuckOnBodies(): boolean {
    const next = this.log.get(this.lastExecuted + 1);
    const missing = !this.transfer.fetching && next?.prePrepare !== undefined && next.view === this.view && next.missingRequests > 0;
    const stuck = missing && this.missingBodiesSeq === next.seq;
    this.missingBodiesSeq = missing ? next.seq : undefined;
    return stuck;
  }

  /** During a view change: once 2f+1 agree on the view, the new primary has a bounded time. */
  private tickNewViewTimer(): void {
    // Replicas that already moved past this view supported it too.
    let count = 0;
    for (const h of this.latestVc.values()) if (h.view >= this.view) count++;
    if (count < this.q.quorum) return;
    if (++this.timerTicks >= this.currentTimeoutTicks()) this.startViewChange(this.view + 1);
  }

  private retransmit(): void {
    this.helped.clear();
    if (!this.active) {
      if (this.ownViewChange) this.broadcast(this.ownViewChange);
      return;
    }
    const primary = this.isPrimary();
    for (let seq = this.lastCommitted + 1; seq <= this.lastCommitted + RETRANSMIT_ENTRIES_MAX; seq++) {
      const e = this.log.get(seq);
      if (!e || e.view !== this.view) continue;
      if (primary && e.prePrepareSigned) this.broadcast(e.prePrepareSigned);
      if (e.sentPrepare) this.broadcast(e.sentPrepare);
      if (e.sentCommit) this.broadcast(e.sentCommit);
    }
    // Always: a replica that lost our vote needs it even after we went stable.
    if (this.ownCheckpoint) this.broadcast(this.ownCheckpoint);
    // Committed batches we cannot execute: the ones before them never reached
    // us, and no one re-sends committed batches unasked (a restarted replica,
    // below the next checkpoint, would wait for it; issue #6).
    if (this.stuckOnBodies() || this.hasGap()) this.broadcast(this.seal({ type: 'lagging', lagging: { view: this.view, lastExecuted: this.lastExecuted, replica: this.config.id } }));
  }

  // ── view change ──

  private startViewChange(view: number): void {
    assert(view > this.view || (view === this.view && this.active), `view change to ${view} from ${this.view}`);
    this.view = view;
    this.active = false;
    this.timerTicks = 0;
    this.consecutiveViewChanges++;
    const stable = this.checkpoints.stable;
    const entries = [...this.log.values()].filter((e) => e.seq > stable.seq && e.seq <= stable.seq + this.window).sort((a, b) => a.seq - b.seq);
    const prepared: PrePrepare[] = [];
    const prePrepared: PrePreparedClaim[] = [];
    for (const e of entries) {
      if (e.preparedPp) prepared.push(e.preparedPp);
      prePrepared.push(...prePreparedClaims(e));
    }
    const vc: ViewChange = {
      view, stableSeq: stable.seq, stableDigest: stable.digest, checkpointProof: stable.proof, prepared, prePrepared, replica: this.config.id,
    };
    const signed = this.seal({ type: 'viewChange', viewChange: vc });
    this.ownViewChange = signed;
    this.latestVc.set(this.config.id, { view, signed, vc });
    this.broadcast(signed);
    this.event('info', 'view-change-started', { view, primary: this.primary(view), prepared: prepared.length });
    this.maybeSendNewView();
  }

  private onViewChange(signed: Signed, vc: ViewChange): void {
    const reason = ignoreViewChange(this, signed, vc);
    if (reason) {
      this.drop(reason, signed.signer, 'viewChange', { view: vc.view });
      return;
    }
    this.latestVc.set(vc.replica, { view: vc.view, signed, vc });
    this.maybeJoin();
    this.maybeSendNewView();
  }

  /** f+1 replicas want a higher view: at least one is correct, so join the smallest. */
  private maybeJoin(): void {
    let count = 0;
    let smallest = Number.POSITIVE_INFINITY;
    for (const [replica, h] of this.latestVc) {
      if (replica === this.config.id || h.view <= this.view) continue;
      count++;
      smallest = Math.min(smallest, h.view);
    }
    if (count >= this.q.weak) this.startViewChange(smallest);
  }

  private maybeSendNewView(): void {
    if (this.active || this.primary() !== this.config.id) return;
    const held = [...this.latestVc.values()].filter((h) => h.view === this.view);
    if (held.length < this.q.quorum) return;
    held.sort((a, b) => rankSelf(a.vc.replica, this.config.id) - rankSelf(b.vc.replica, this.config.id));
    // Every VIEW-CHANGE held: with 2f+1 of them a faulty one's claims can leave
    // a seq undecided (view-change.ts); then wait for the next one.
    const plan = computeNewView(this.vcCtx, this.view, held.map((h) => h.vc), this.nullDigest);
    if (!plan) {
      this.event('debug', 'new-view-undecided', { view: this.view, viewChanges: held.length });
      return;
    }
    const o = plan.prePrepares.map((pp) => this.seal({ type: 'prePrepare', prePrepare: pp }));
    const nv: NewView = { view: this.view, viewChanges: held.map((h) => h.signed), prePrepares: o };
    const signed = this.seal({ type: 'newView', newView: nv });
    this.newViewSigned = signed;
    this.broadcast(signed);
    this.installNewView(plan, o, plan.prePrepares);
  }

  private onNewView(signed: Signed, nv: NewView): void {
    const reason = ignoreNewView(this, signed, nv) ?? null;
    const checked = reason ? reason : this.checkNewView(nv);
    if (typeof checked === 'string') {
      this.drop(checked, signed.signer, 'newView', { view: nv.view });
      return;
    }
    this.view = nv.view;
    this.newViewSigned = signed;
    this.installNewView(checked.plan, nv.prePrepares, checked.pps);
  }

  /** Re-verify V (every Signed inside) and recompute O. */
  private checkNewView(nv: NewView): { plan: NewViewPlan; pps: PrePrepare[] } | string {
    const vcs: ViewChange[] = [];
    const signers = new Set<number>();
    if (nv.viewChanges.length > this.config.n) return 'v-too-many';
    if (nv.prePrepares.length > this.window) return 'o-too-many';
    for (const s of nv.viewChanges) {
      const m = this.auth.open(s);
      if (!m || m.type !== 'viewChange') return 'v-not-view-change';
      if (m.viewChange.view !== nv.view) return 'v-wrong-view';
      if (signers.has(s.signer)) return 'v-duplicate-signer';
      const bad = checkViewChange(this.vcCtx, m.viewChange, s.signer);
      if (bad) return `v-bad-view-change:${bad}`;
      signers.add(s.signer);
      vcs.push(m.viewChange);
    }
    if (vcs.length < this.q.quorum) return 'v-too-few';
    const plan = computeNewView(this.vcCtx, nv.view, vcs, this.nullDigest);
    if (!plan) return 'v-undecided';
    const pps = checkNewViewO(this.vcCtx, plan, nv.prePrepares, this.primary(nv.view));
    return typeof pps === 'string' ? pps : { plan, pps };
  }

  private installNewView(plan: NewViewPlan, o: Signed[], pps: PrePrepare[]): void {
    const view = this.view;
    this.active = true;
    this.timerTicks = 0;
    this.timerRequest = undefined;
    // A tentative batch at or below min-s may not be the one that committed
    // there (prepared at one replica does not survive view changes): undo it;
    // state transfer brings the certified state.
    if (this.tentative && this.tentative.seq <= plan.minS) this.rollbackTentative();
    if (plan.minS > this.lastExecuted) {
      const d = plan.stableFrom.stableDigest;
      this.transfer.addCertificate(plan.minS, d, toHex(d), plan.stableFrom.checkpointProof);
    }
    if (this.tentative && this.tentative.seq > plan.minS) {
      const carried = pps[this.tentative.seq - plan.minS - 1];
      if (!carried || toHex(carried.digest) !== this.tentative.digestHex) this.rollbackTentative();
    }
    if (plan.minS > this.stableSeq && this.lastCommitted >= plan.minS) {
      const own = this.checkpoints.ownDigest(plan.minS);
      if (own && bytesEqual(own, plan.stableFrom.stableDigest)) {
        this.makeStable(plan.minS, own, plan.stableFrom.checkpointProof);
      }
    }
    for (const e of this.log.values()) if (e.seq > plan.minS && e.view < view) resetForView(e, view);
    const assigned = new Set<string>();
    for (let i = 0; i < pps.length; i++) {
      const pp = pps[i];
      const e = this.log.open(pp.seq, view);
      const reqDigests = requestDigests(this.auth, pp.requests);
      this.setPrePrepare(e, o[i], pp, reqDigests);
      for (const hex of e.requestHexes) assigned.add(hex);
      if (pp.requests.length > 0) this.lastProposedTimeMs = Math.max(this.lastProposedTimeMs, pp.timeMs);
    }
    this.requests.resetAssigned(assigned);
    this.nextSeq = plan.maxS + 1;
    this.lastProposedTimeMs = Math.max(this.lastProposedTimeMs, this.lastAgreedTimeMs);
    for (const [replica, h] of this.latestVc) if (h.view <= view) this.latestVc.delete(replica);
    this.ownViewChange = undefined;
    this.event('info', 'view-changed', { view, primary: this.primary(), minS: plan.minS, maxS: plan.maxS });
    for (const pp of pps) {
      const e = this.log.get(pp.seq);
      if (e && e.missingRequests === 0) this.afterPrePrepareComplete(e);
    }
    this.tryExecute();
  }
}

/** Sort key putting our own VIEW-CHANGE first, then by replica id (deterministic V). */
function rankSelf(replica: number, self: number): number {
  return replica === self ? -1 : replica;
}

/** Total encoded size of a batch's requests; re-exported for the runtime's metrics. */
export { batchBytes };
