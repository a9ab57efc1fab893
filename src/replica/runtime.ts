// The runtime around a pure core: wall clock -> ticks, transport deliveries ->
// step inputs, outputs -> transport sends, events -> logs and metrics.
import type { Output } from '../pbft/types.js';
import type { Delivery, Transport } from '../transport/transport.js';
import type { ReplicaStatus, ReplicaCore } from './core.js';
import type { Logger } from './logger.js';
import { ReplicaMetrics } from './metrics.js';

/** Distinct (reason, peer) pairs remembered for log-once; bounded so memory is too. */
const LOGGED_DROPS_MAX = 10_000;

export interface RuntimeOptions {
  core: ReplicaCore;
  transport: Transport;
  /** Number of replicas (broadcast goes to 0..n-1 except self). */
  n: number;
  tickMs: number;
  logger: Logger;
  metrics?: ReplicaMetrics;
  /** Wall clock in ms; injectable for tests. */
  now?: () => number;
  /** The core is behind and asks for a checkpoint's state (state transfer, issue #6). */
  onFetchState?: (seq: number, digest: Uint8Array) => void;
}

export class ReplicaRuntime {
  readonly metrics: ReplicaMetrics;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private lastView: number;
  private lastExecuted: number;
  private stopped = false;
  private lastTickMs = Number.NEGATIVE_INFINITY;
  private readonly loggedDrops = new Set<string>();

  constructor(private readonly opts: RuntimeOptions) {
    this.metrics = opts.metrics ?? new ReplicaMetrics();
    this.now = opts.now ?? Date.now;
    const status = opts.core.status();
    this.lastView = status.view;
    this.lastExecuted = status.lastExecuted;
    this.observe(status);
  }

  /** Subscribe to the transport and start the tick clock. */
  start(): void {
    this.opts.transport.onDelivery((d) => this.deliver(d));
    // A tick that deliver() already ran (catchUpClock) makes this one redundant.
    this.timer = setInterval(() => { if (this.now() - this.lastTickMs >= this.opts.tickMs / 2) this.tick(); }, this.opts.tickMs);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.opts.transport.close();
  }

  status(): ReplicaStatus {
    return this.opts.core.status();
  }

  tick(): void {
    this.lastTickMs = this.now();
    this.run({ type: 'tick', nowMs: this.lastTickMs });
  }

  /**
   * After the process was starved of CPU, Node runs the pending network I/O
   * before the overdue timer, so the core would judge (time-skew guard) and
   * stamp (pre-prepare time) messages with a clock seconds old: on a loaded
   * machine that dropped every backup's pre-prepare and forced view changes.
   * Tick first whenever the last tick is overdue (not before the timer's first:
   * the core learns the time from the clock's own schedule).
   */
  private catchUpClock(): void {
    if (this.lastTickMs !== Number.NEGATIVE_INFINITY && this.now() - this.lastTickMs >= this.opts.tickMs) this.tick();
  }

  /** The state of checkpoint `seq` is installed and its digest checked: the core resumes. */
  stateTransferred(seq: number, digest: Uint8Array): void {
    if (this.stopped) return;
    this.run({ type: 'stateTransferred', seq, digest });
  }

  deliver(d: Delivery): void {
    if (this.stopped) return;
    this.catchUpClock();
    if (d.type === 'protocol') {
      this.run({ type: 'protocol', signed: d.signed, msg: d.msg });
    } else if (d.type === 'request') {
      this.metrics.requests.inc({ kind: d.request.readOnly ? 'read-only' : 'read-write' });
      this.run({ type: 'request', auth: d.auth, request: d.request });
    } else {
      // Replicas never expect replies; a peer sending one is misbehaving.
      this.metrics.dropped.inc({ reason: 'unexpected-reply' });
      this.opts.logger.warn({ peer: d.from }, 'dropped a reply sent to a replica');
    }
  }

  private run(input: Parameters<ReplicaCore['step']>[0]): void {
    let outputs: Output[];
    try {
      outputs = this.opts.core.step(input);
    } catch (err) {
      // A broken invariant of our own: stop loudly rather than diverge.
      this.opts.logger.fatal({ err }, 'core invariant failed; exiting');
      throw err;
    }
    for (const out of outputs) this.emit(out);
    this.observe(this.opts.core.status());
  }

  private emit(out: Output): void {
    const t = this.opts.transport;
    switch (out.type) {
      case 'broadcast':
        for (let id = 0; id < this.opts.n; id++) if (id !== t.self) t.send(id, { type: 'signed', signed: out.signed });
        return;
      case 'send': t.send(out.to, { type: 'signed', signed: out.signed }); return;
      case 'forward': t.send(out.to, { type: 'request', auth: out.auth }); return;
      case 'reply': t.send(out.client, { type: 'reply', auth: out.reply }); return;
      case 'event': this.onEvent(out); return;
      case 'fetchState': this.opts.onFetchState?.(out.seq, out.digest); return;
    }
  }

  private onEvent(out: Extract<Output, { type: 'event' }>): void {
    this.metrics.events.inc({ event: out.event });
    let level = out.level;
    const reason = out.fields.reason;
    if (reason !== undefined || /^drop/i.test(out.event)) {
      this.metrics.dropped.inc({ reason: String(reason ?? out.event) });
      level = this.dropLevel(level, `${String(reason ?? out.event)}/${String(out.fields.from ?? out.fields.peer ?? '?')}`);
    }
    if (out.event === 'executed') {
      this.metrics.batches.inc();
      this.metrics.batchSize.observe(Number(out.fields.requests ?? 0));
      this.metrics.executed.inc(Number(out.fields.requests ?? 0));
    }
    this.opts.logger[level]({ event: out.event, ...out.fields }, out.event);
  }

  /** A fault is logged at its level once per (reason, peer), then at debug: a flooding peer cannot flood the log. */
  private dropLevel(level: 'debug' | 'info' | 'warn', key: string): 'debug' | 'info' | 'warn' {
    if (level === 'debug') return level;
    if (this.loggedDrops.has(key)) return 'debug';
    if (this.loggedDrops.size < LOGGED_DROPS_MAX) this.loggedDrops.add(key);
    return level;
  }

  /** Gauges follow the core's status; a view change is logged once, naming the new primary. */
  private observe(s: ReplicaStatus): void {
    this.metrics.view.set(s.view);
    this.metrics.lastExecuted.set(s.lastExecuted);
    this.metrics.stableCheckpoint.set(s.stableSeq);
    if (s.view > this.lastView) {
      this.metrics.viewChanges.inc();
      this.opts.logger.info({ view: s.view, primary: s.primary, previousView: this.lastView }, `entered view ${s.view}, primary is replica ${s.primary}`);
      this.lastView = s.view;
    }
    this.lastExecuted = Math.max(this.lastExecuted, s.lastExecuted);
  }
}
