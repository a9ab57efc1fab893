// Drives n Replica instances by hand: a FIFO network that tests can filter,
// clients built on ClientCore, and a record of every event.
import { Replica, defaultReplicaConfig } from '../../../src/pbft/replica.js';
import { ClientCore } from '../../../src/pbft/client-core.js';
import type { ReplicaOptions } from '../../../src/pbft/byzantine.js';
import type { AuthRequest, ClientOutput, Input, Output, ReplicaConfig, Reply } from '../../../src/pbft/types.js';
import { FakeAuth, FakeClientAuth, openReply } from './fake-auth.js';
import { KvMachine, bytes, text } from './kv-machine.js';

export interface Packet { from: number; to: number; input: Input }
export interface EventRecord { replica: number; level: string; event: string; fields: Record<string, string | number | boolean> }

export interface ClusterOptions {
  n?: number;
  config?: Partial<ReplicaConfig>;
  options?: Record<number, ReplicaOptions>;
}

export class Cluster {
  readonly n: number;
  readonly replicas: Replica[] = [];
  readonly sms: KvMachine[] = [];
  readonly auths: FakeAuth[] = [];
  readonly clients = new Map<number, TestClient>();
  readonly events: EventRecord[] = [];
  readonly replies: Reply[] = [];
  queue: Packet[] = [];
  nowMs = 1_000_000;
  /** Return false to drop a packet. */
  filter: (p: Packet) => boolean = () => true;
  /** Replicas that are crashed: they get no input. */
  readonly down = new Set<number>();
  /** Observer of every step (golden transcripts). */
  onStep?: (replica: number, input: Input, outputs: Output[]) => void;

  constructor(opts: ClusterOptions = {}) {
    this.n = opts.n ?? 4;
    for (let i = 0; i < this.n; i++) {
      const config = { ...defaultReplicaConfig(i, this.n), viewChangeTimeoutTicks: 20, ...opts.config };
      const auth = new FakeAuth(i);
      const sm = new KvMachine();
      this.auths.push(auth);
      this.sms.push(sm);
      this.replicas.push(new Replica(config, auth, sm, opts.options?.[i] ?? {}));
    }
    // Every replica learns the time before any request arrives (the primary needs it to propose).
    for (let i = 0; i < this.n; i++) this.input(i, { type: 'tick', nowMs: this.nowMs });
  }

  client(id: number, opts: { badMacFor?: Set<number>; weak?: boolean } = {}): TestClient {
    const c = new TestClient(this, id, opts);
    this.clients.set(id, c);
    return c;
  }

  /** Feed one input to replica `to` and route its outputs. */
  input(to: number, input: Input): Output[] {
    if (this.down.has(to)) return [];
    const outs = this.replicas[to].step(input);
    this.onStep?.(to, input, outs);
    for (const o of outs) this.route(to, o);
    return outs;
  }

  private route(from: number, o: Output): void {
    switch (o.type) {
      case 'broadcast':
        for (let j = 0; j < this.n; j++) if (j !== from) this.enqueueSigned(from, j, o.signed);
        break;
      case 'send': this.enqueueSigned(from, o.to, o.signed); break;
      case 'forward': this.enqueueRequest(from, o.to, o.auth); break;
      case 'reply': {
        const r = openReply(o.reply);
        this.replies.push(r);
        this.clients.get(o.client)?.deliver(r);
        break;
      }
      case 'event': this.events.push({ replica: from, level: o.level, event: o.event, fields: o.fields }); break;
    }
  }

  private enqueueSigned(from: number, to: number, signed: { body: Uint8Array; signer: number; sig: Uint8Array }): void {
    const msg = this.auths[to].open(signed);
    if (!msg) return; // the transport drops forgeries
    this.push({ from, to, input: { type: 'protocol', signed, msg } });
  }

  enqueueRequest(from: number, to: number, auth: AuthRequest): void {
    const request = this.auths[to].openRequest(auth);
    if (!request) return; // the transport drops requests whose MAC for `to` fails
    this.push({ from, to, input: { type: 'request', auth, request } });
  }

  private push(p: Packet): void {
    if (this.filter(p)) this.queue.push(p);
  }

  /** Deliver queued packets until the network is quiet. */
  run(maxPackets = 100_000): number {
    let count = 0;
    while (this.queue.length > 0) {
      const p = this.queue.shift() as Packet;
      this.input(p.to, p.input);
      if (++count >= maxPackets) throw new Error('network did not quiesce');
    }
    return count;
  }

  /** Advance the clock one tick on every replica and client, then deliver. */
  tick(count = 1, msPerTick = 10): void {
    for (let k = 0; k < count; k++) {
      this.nowMs += msPerTick;
      for (let i = 0; i < this.n; i++) this.input(i, { type: 'tick', nowMs: this.nowMs });
      for (const c of this.clients.values()) c.tick(this.nowMs);
      this.run();
    }
  }

  /** Tick until `done()` or the budget runs out. */
  tickUntil(done: () => boolean, maxTicks = 2000): void {
    for (let k = 0; k < maxTicks && !done(); k++) this.tick();
    if (!done()) throw new Error(`condition not reached in ${maxTicks} ticks`);
  }

  executedDigests(replica: number): Map<number, string> {
    const m = new Map<number, string>();
    for (const e of this.events) {
      if (e.replica === replica && e.event === 'executed') m.set(Number(e.fields.seq), String(e.fields.digest));
    }
    return m;
  }

  dropped(replica: number, reason?: string): EventRecord[] {
    return this.events.filter((e) => e.replica === replica && e.event === 'dropped' && (reason === undefined || e.fields.reason === reason));
  }
}

export class TestClient {
  readonly core: ClientCore;
  readonly auth: FakeClientAuth;
  readonly done: { timestamp: number; result: string }[] = [];

  constructor(readonly cluster: Cluster, readonly id: number, opts: { badMacFor?: Set<number>; weak?: boolean }) {
    this.auth = new FakeClientAuth(cluster.n, opts.badMacFor);
    this.core = new ClientCore(
      { id, n: cluster.n, initialTimestamp: 1, seed: id, mutations: { weakReplyQuorum: opts.weak } },
      this.auth,
    );
    this.core.tick(cluster.nowMs);
  }

  submit(op: string, readOnly = false): void {
    this.handle(this.core.submit(bytes(op), readOnly));
  }

  deliver(r: Reply): void {
    this.handle(this.core.onReply(r));
  }

  tick(nowMs: number): void {
    this.handle(this.core.tick(nowMs));
  }

  private handle(outs: ClientOutput[]): void {
    for (const o of outs) {
      if (o.type === 'done') {
        this.done.push({ timestamp: o.timestamp, result: text(o.result) });
        continue;
      }
      const targets = o.to === 'all' ? [...Array(this.cluster.n).keys()] : [o.to];
      for (const t of targets) this.cluster.enqueueRequest(-1 - this.id, t, o.auth);
    }
  }
}
