// One simulated run: n replicas running the real PBFT core, clients running
// the real ClientCore, a faulty network, all driven by virtual time and one
// seeded PRNG. Safety checkers watch every execution and checkpoint; at the
// end the clients' results are checked for linearizability and liveness.
import { defaultReplicaConfig, Replica } from '../pbft/replica.js';
import type { AuthRequest, Output, ProtocolMessage, ReplicaId, ReplicaStatus, Signed } from '../pbft/types.js';
import type { Envelope } from '../transport/transport.js';
import { AgreementChecker, CheckpointChecker, checkLinearizable, checkLiveness, type OpRecord, type Violation } from './checkers.js';
import { ClientDriver } from './client-driver.js';
import { describeEnvelope } from './describe.js';
import { decodeProtocol, SimClientAuth, SimKeys, SimReplicaAuth } from './fake-auth.js';
import { EventQueue } from './event-queue.js';
import { KvMachine } from './kv-machine.js';
import { bytesEqual } from './sim-codec.js';
import { batchDigest } from '../pbft/batch.js';
import { Network } from './network.js';
import { Prng } from './prng.js';
import { describeScenario, drawScenario, isSimBehaviour, TICK_MS, type Behaviour, type Scenario, type SimOptions } from './scenario.js';
import { Trace } from './trace.js';

/** After faults heal, every pending op must complete within this much virtual time. */
export const LIVENESS_BOUND_MS = 60_000;
/** Once every client is done and every completed update committed, run this much longer (checkpoints). */
const SETTLE_MS = 500;

type SimEvent =
  | { type: 'deliver'; from: number; to: number; envelope: Envelope }
  | { type: 'tick' }
  | { type: 'partition'; id: number; side: number[] }
  | { type: 'unpartition'; id: number }
  | { type: 'crash'; replica: ReplicaId }
  | { type: 'restart'; replica: ReplicaId; loseState?: boolean }
  | { type: 'stateFetch'; replica: ReplicaId; seq: number; digest: Uint8Array }
  | { type: 'heal' };

interface SimReplica { id: ReplicaId; core: Replica; auth: SimReplicaAuth; machine: KvMachine; byzantine?: Behaviour }

/** Virtual time a state transfer takes, and the wait before retrying when no replica can serve it. */
const STATE_FETCH_MS = 20;
const STATE_FETCH_RETRY_MS = 100;

export interface RunStats {
  endMs: number;
  events: number;
  messages: number;
  opsCompleted: number;
  opsTotal: number;
  committed: number;
  checkpoints: number;
  /** State transfers completed (a lagging or emptied replica installed a checkpoint). */
  stateTransfers: number;
}

export interface SeedResult {
  seed: number;
  scenario: string;
  violations: Violation[];
  /** The last events before the run stopped (only when there are violations). */
  trace: string[];
  /** Each replica's status() at the end (only when there are violations). */
  replicas: string[];
  stats: RunStats;
}

export class Simulation {
  readonly scenario: Scenario;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly network: Network;
  private readonly trace: Trace;
  private readonly replicas: SimReplica[] = [];
  private readonly clients = new Map<number, ClientDriver>();
  private readonly ops = new Map<string, OpRecord>();
  private readonly violations: Violation[] = [];
  private readonly agreement: AgreementChecker;
  private readonly checkpoints: CheckpointChecker;
  private nowMs = 0;
  private endMs: number;
  private settling = false;
  private settled = false;
  private events = 0;
  private messages = 0;
  private readonly keys: SimKeys;
  private stateTransfers = 0;
  /** Every completed state transfer: who, from which executed seq, to which checkpoint. */
  readonly transfers: { replica: ReplicaId; fromSeq: number; toSeq: number }[] = [];

  constructor(private readonly opts: SimOptions) {
    const prng = new Prng(opts.seed);
    this.scenario = drawScenario(prng.fork(), opts);
    opts.adjustScenario?.(this.scenario);
    this.network = new Network(prng.fork(), this.scenario.network);
    this.trace = new Trace(opts.traceLength ?? 60);
    const report = (v: Violation): void => { this.violations.push(v); };
    this.agreement = new AgreementChecker(report);
    this.checkpoints = new CheckpointChecker(report);
    const keys = new SimKeys(prng.fork());
    this.keys = keys;
    this.buildReplicas(keys);
    this.buildClients(keys, prng.fork());
    this.schedule();
    this.endMs = this.scenario.healMs + this.livenessBoundMs;
  }

  private get livenessBoundMs(): number {
    return this.opts.livenessBoundMs ?? LIVENESS_BOUND_MS;
  }

  private buildReplicas(keys: SimKeys): void {
    for (let id = 0; id < this.scenario.n; id++) this.replicas.push(this.makeReplica(id, keys));
  }

  private makeReplica(id: ReplicaId, keys: SimKeys): SimReplica {
    const s = this.scenario;
    const byzantine = s.byzantine.get(id);
    const correct = byzantine === undefined;
    const machine = new KvMachine(correct ? {
      onExecute: (opId, tentative) => this.agreement.onExecute(id, opId, tentative),
      onCommitTentative: () => this.agreement.onCommitTentative(id),
      onRollbackTentative: () => this.agreement.onRollbackTentative(id),
    } : undefined);
    const config = {
      ...defaultReplicaConfig(id, s.n),
      checkpointInterval: s.checkpointInterval,
      batchRequestsMax: 4,
      viewChangeTimeoutTicks: 50,
      tickMs: TICK_MS,
      tentativeExecution: s.tentativeExecution,
      bigRequestBytesMin: s.bigRequestBytesMin,
    };
    const auth = new SimReplicaAuth(keys, id);
    const options = correct ? { mutations: this.opts.mutations } : isSimBehaviour(byzantine) ? {} : { byzantine };
    return { id, core: new Replica(config, auth, machine, options), auth, machine, byzantine };
  }

  /** A crash that lost the disk: the replica comes back empty and must catch up by state transfer. */
  private restartEmpty(id: ReplicaId): void {
    this.replicas[id] = this.makeReplica(id, this.keys);
    this.agreement.onStateTransferred(id, 0);
  }

  /**
   * Serve a 'fetchState': try the other live replicas, each checked against the
   * certified digest (a Byzantine one serves a corrupted state and is passed over).
   */
  private fetchState(e: Extract<SimEvent, { type: 'stateFetch' }>): void {
    const r = this.replicas[e.replica];
    const target = r.core.transfer.target;
    if (this.network.isCrashed(r.id) || !target || target.seq !== e.seq) return;
    for (let k = 1; k < this.scenario.n; k++) {
      const src = this.replicas[(r.id + k) % this.scenario.n];
      if (this.network.isCrashed(src.id)) continue;
      const cp = src.machine.checkpointState(e.seq);
      if (!cp) continue;
      const served = src.byzantine === undefined ? cp : { ...cp, entries: new Map([...cp.entries, ['lie', String(src.id)]]) };
      if (!bytesEqual(KvMachine.digestOf(served), e.digest)) {
        this.note(r.id, `state from ${src.id} at ${e.seq} refused (digest mismatch)`);
        continue;
      }
      this.transfers.push({ replica: r.id, fromSeq: r.core.lastExecuted, toSeq: e.seq });
      r.machine.installCheckpoint(served);
      if (r.byzantine === undefined) this.agreement.onStateTransferred(r.id, served.opsExecuted);
      this.note(r.id, `state at ${e.seq} installed from ${src.id}`);
      this.stateTransfers++;
      this.apply(r, r.core.step({ type: 'stateTransferred', seq: e.seq, digest: e.digest }));
      return;
    }
    this.queue.push(this.nowMs + STATE_FETCH_RETRY_MS, e);
  }

  private buildClients(keys: SimKeys, prng: Prng): void {
    const s = this.scenario;
    for (const id of s.clients) {
      const env = {
        send: (from: number, to: ReplicaId | 'all', auth: AuthRequest): void => {
          if (to === 'all') for (let r = 0; r < s.n; r++) this.send(from, r, { type: 'request', auth });
          else this.send(from, to, { type: 'request', auth });
        },
        note: (node: number, what: string): void => this.trace.add({ timeMs: this.nowMs, node, what }),
      };
      const driver = new ClientDriver(id, new SimClientAuth(keys, id, s.n), prng.fork(), env, this.ops, {
        n: s.n, opsTotal: s.opsPerClient, keys: s.keys, bigRequestBytesMin: s.bigRequestBytesMin,
        // Think times spread each client's ops over the fault phase, so faults hit live traffic.
        startMs: prng.int(0, 500), thinkMsMax: Math.floor((2 * s.healMs) / s.opsPerClient), weakReplyQuorum: this.opts.weakClients,
      });
      this.clients.set(id, driver);
    }
  }

  private schedule(): void {
    const s = this.scenario;
    this.queue.push(0, { type: 'tick' });
    s.partitions.forEach((p, id) => {
      this.queue.push(p.atMs, { type: 'partition', id, side: p.side });
      this.queue.push(p.atMs + p.durationMs, { type: 'unpartition', id });
    });
    for (const c of s.crashes) {
      this.queue.push(c.atMs, { type: 'crash', replica: c.replica });
      this.queue.push(c.atMs + c.durationMs, { type: 'restart', replica: c.replica, loseState: c.loseState });
    }
    this.queue.push(s.healMs, { type: 'heal' });
  }

  run(): SeedResult {
    for (;;) {
      const next = this.queue.pop();
      if (next === undefined || next.timeMs > this.endMs) break;
      this.nowMs = next.timeMs;
      this.events++;
      this.dispatch(next.event);
      if (this.violations.length > 0) break;
      if (!this.settling && this.allClientsDone()) this.settle();
    }
    if (this.violations.length === 0) this.finalChecks();
    return this.result();
  }

  /** Every client is done: stop the faults and wait (up to the deadline) for what they saw to commit. */
  private settle(): void {
    this.settling = true;
    if (!this.network.healed) this.heal();
  }

  private completedUpdatesCommitted(): boolean {
    for (const [id, rec] of this.ops) {
      if (rec.responseMs !== undefined && rec.op.kind !== 'get' && this.agreement.positionOf(id) === undefined) return false;
    }
    return true;
  }

  private allClientsDone(): boolean {
    for (const c of this.clients.values()) if (!c.done) return false;
    return true;
  }

  private finalChecks(): void {
    this.violations.push(...checkLinearizable(this.agreement.order, this.ops));
    if (!this.allClientsDone()) this.violations.push(...checkLiveness(this.ops, this.livenessBoundMs, this.nowMs));
  }

  private result(): SeedResult {
    const ops = [...this.ops.values()];
    return {
      seed: this.opts.seed,
      scenario: describeScenario(this.scenario),
      violations: this.violations,
      trace: this.violations.length > 0 ? this.trace.format() : [],
      replicas: this.violations.length > 0 ? this.replicaLines() : [],
      stats: {
        endMs: this.nowMs,
        events: this.events,
        messages: this.messages,
        opsCompleted: ops.filter((o) => o.responseMs !== undefined).length,
        opsTotal: this.scenario.clients.length * this.scenario.opsPerClient,
        committed: this.agreement.order.length,
        checkpoints: this.checkpoints.count,
        stateTransfers: this.stateTransfers,
      },
    };
  }

  replicaStatus(): ReplicaStatus[] {
    return this.replicas.map((r) => r.core.status());
  }

  private replicaLines(): string[] {
    return this.replicas.map((r) => {
      const st = r.core.status();
      const role = r.byzantine ?? 'correct';
      const crashed = this.network.isCrashed(r.id) ? ' crashed' : '';
      return `replica ${r.id} (${role}${crashed}): view ${st.view}${st.viewChanging ? ' (changing)' : ''} `
        + `executed ${st.lastExecuted} committed ${st.lastCommitted ?? '?'} stable ${st.stableSeq}`;
    });
  }

  private dispatch(e: SimEvent): void {
    switch (e.type) {
      case 'deliver': return this.deliver(e.from, e.to, e.envelope);
      case 'tick': return this.tick();
      case 'partition':
        this.note(-1, `partition ${e.id}: [${e.side.join(',')}] cut off`);
        return this.network.partition(e.id, e.side);
      case 'unpartition':
        this.note(-1, `partition ${e.id} healed`);
        return this.network.unpartition(e.id);
      case 'crash':
        this.note(e.replica, 'crash');
        return this.network.crash(e.replica);
      case 'restart':
        this.note(e.replica, e.loseState ? 'restart with state lost' : 'restart');
        if (e.loseState) this.restartEmpty(e.replica);
        return this.network.restart(e.replica);
      case 'stateFetch': return this.fetchState(e);
      case 'heal': return this.heal();
    }
  }

  private heal(): void {
    if (this.network.healed) return;
    this.note(-1, 'faults healed: network reliable, crashed replicas restarted');
    this.network.heal();
    for (const r of this.network.crashedNodes()) this.network.restart(r);
  }

  private tick(): void {
    for (const r of this.replicas) {
      if (this.network.isCrashed(r.id)) continue;
      const localMs = this.nowMs + this.scenario.clockSkewMs[r.id];
      this.apply(r, r.core.step({ type: 'tick', nowMs: localMs }));
    }
    for (const c of this.clients.values()) c.tick(this.nowMs);
    this.queue.push(this.nowMs + TICK_MS, { type: 'tick' });
    if (this.settling && !this.settled && this.completedUpdatesCommitted()) {
      this.settled = true;
      this.endMs = Math.min(this.endMs, this.nowMs + SETTLE_MS);
    }
  }

  private deliver(from: number, to: number, envelope: Envelope): void {
    if (this.network.isCrashed(to)) {
      this.note(to, 'lost (crashed)', () => describeEnvelope(envelope));
      return;
    }
    this.trace.add({ timeMs: this.nowMs, node: to, what: `<- ${from}`, detail: () => describeEnvelope(envelope) });
    if (envelope.type === 'reply') {
      this.clients.get(to)?.onReply(envelope.auth, this.nowMs);
      return;
    }
    const r = this.replicas[to];
    if (r === undefined) return;
    if (envelope.type === 'signed') {
      const msg = r.auth.open(envelope.signed);
      if (msg === null) return this.note(to, 'dropped forged/malformed protocol message');
      this.apply(r, r.core.step({ type: 'protocol', signed: envelope.signed, msg }));
    } else if (envelope.type === 'request') {
      const request = r.auth.openRequest(envelope.auth);
      if (request === null) return this.note(to, 'dropped forged/malformed request');
      this.apply(r, r.core.step({ type: 'request', auth: envelope.auth, request }));
    }
  }

  private apply(r: SimReplica, outputs: Output[]): void {
    const rewritten = r.byzantine === 'forget-prepared' || r.byzantine === 'lie-prepared' ? outputs.map((o) => this.rewriteViewChange(r, o)) : outputs;
    for (const out of rewritten) {
      switch (out.type) {
        case 'broadcast':
          this.observe(r, out.signed);
          for (let to = 0; to < this.scenario.n; to++) if (to !== r.id) this.send(r.id, to, { type: 'signed', signed: out.signed });
          break;
        case 'send':
          this.observe(r, out.signed);
          this.send(r.id, out.to, { type: 'signed', signed: out.signed });
          break;
        case 'forward': this.send(r.id, out.to, { type: 'request', auth: out.auth }); break;
        case 'reply': this.send(r.id, out.client, { type: 'reply', auth: out.reply }); break;
        case 'event': this.onEvent(r, out); break;
        case 'fetchState':
          this.queue.push(this.nowMs + (this.scenario.stateFetchMs ?? STATE_FETCH_MS), { type: 'stateFetch', replica: r.id, seq: out.seq, digest: out.digest });
          break;
      }
    }
  }

  private onEvent(r: SimReplica, out: Extract<Output, { type: 'event' }>): void {
    this.observeBatch(r, out.event, out.fields);
    if (out.level === 'debug') return;
    this.note(r.id, `event ${out.event}`, () => JSON.stringify(out.fields));
  }

  /** 'forget-prepared' / 'lie-prepared': re-seal our VIEW-CHANGEs without P and Q, or with made-up ones. */
  private rewriteViewChange(r: SimReplica, out: Output): Output {
    if (out.type !== 'broadcast' && out.type !== 'send') return out;
    const msg = decodeProtocol(out.signed.body);
    if (msg?.type !== 'viewChange') return out;
    const vc = msg.viewChange;
    if (r.byzantine === 'forget-prepared') {
      if (vc.prepared.length === 0 && vc.prePrepared.length === 0) return out;
      return { ...out, signed: r.auth.seal({ type: 'viewChange', viewChange: { ...vc, prepared: [], prePrepared: [] } }) };
    }
    // A batch no primary proposed (an empty one at a made-up time), claimed in
    // the highest view a VIEW-CHANGE for vc.view may name.
    let top = vc.stableSeq;
    for (const pp of vc.prepared) top = Math.max(top, pp.seq);
    for (const c of vc.prePrepared) top = Math.max(top, c.seq);
    const prepared = [];
    const prePrepared = [];
    for (let seq = vc.stableSeq + 1; seq <= top + 2; seq++) {
      const timeMs = 7_000_000 + seq;
      const digest = batchDigest(r.auth, timeMs, []);
      prepared.push({ view: vc.view - 1, seq, digest, timeMs, requests: [] });
      prePrepared.push({ seq, digest, view: vc.view - 1 });
    }
    return { ...out, signed: r.auth.seal({ type: 'viewChange', viewChange: { ...vc, prepared, prePrepared } }) };
  }

  /** The core reports each batch it executes ('executed') and each tentative one that commits ('committed'). */
  private observeBatch(r: SimReplica, event: string, fields: Record<string, string | number | boolean>): void {
    if (r.byzantine !== undefined || (event !== 'executed' && event !== 'committed')) return;
    if (event === 'executed' && fields.tentative !== false) return;
    if (typeof fields.seq === 'number' && typeof fields.digest === 'string') this.agreement.onBatch(r.id, fields.seq, fields.digest);
  }

  /** Watch what correct replicas say about their own state. */
  private observe(r: SimReplica, signed: Signed): void {
    if (r.byzantine !== undefined) return;
    const msg: ProtocolMessage | null = decodeProtocol(signed.body);
    if (msg?.type === 'checkpoint') this.checkpoints.onCheckpoint(r.id, msg.checkpoint.seq, msg.checkpoint.stateDigest);
  }

  private send(from: number, to: number, envelope: Envelope): void {
    this.messages++;
    const delays = this.network.plan(from, to);
    if (delays.length === 0) this.note(from, `-> ${to} lost`, () => describeEnvelope(envelope));
    for (const d of delays) this.queue.push(this.nowMs + d, { type: 'deliver', from, to, envelope });
  }

  private note(node: number, what: string, detail?: () => string): void {
    this.trace.add({ timeMs: this.nowMs, node, what, detail });
  }
}

export function runSeed(opts: SimOptions): SeedResult {
  return new Simulation(opts).run();
}

export function formatFailure(r: SeedResult): string {
  const lines = [`seed ${r.seed} FAILED (${r.scenario})`];
  for (const v of r.violations) lines.push(`  [${v.checker}] ${v.message}`);
  for (const line of r.replicas) lines.push(`  ${line}`);
  lines.push(`  last ${r.trace.length} events:`);
  for (const t of r.trace) lines.push(`    ${t}`);
  return lines.join('\n');
}
