// One simulated client: issues its ops one at a time through the real
// ClientCore and records what it saw (invocation, response, result) for the
// linearizability and liveness checkers. TEST-ONLY mutation: weakReplyQuorum
// makes the core accept f matching replies instead of f+1, which the checkers
// must catch.
import { ClientCore } from '../pbft/client-core.js';
import type { AuthReply, AuthRequest, ReplicaId } from '../pbft/types.js';
import type { OpRecord } from './checkers.js';
import { decodeRequest, type SimClientAuth } from './fake-auth.js';
import { decodeResult, encodeOp, isReadOnly, type KvOp, type KvResult } from './kv-machine.js';
import type { Prng } from './prng.js';

export interface ClientEnv {
  send(from: number, to: ReplicaId | 'all', auth: AuthRequest): void;
  note(node: number, what: string): void;
}

const UNDECODABLE: KvResult = { ok: false, value: 'undecodable-result' };

interface Pending { id: string; timestamp?: number }

export class ClientDriver {
  private readonly core: ClientCore;
  private issued = 0;
  private nextSubmitMs: number;
  private pending: Pending | null = null;
  private readonly lastSeen = new Map<string, string | null>();

  constructor(
    readonly id: number,
    private readonly auth: SimClientAuth,
    private readonly prng: Prng,
    private readonly env: ClientEnv,
    private readonly ops: Map<string, OpRecord>,
    private readonly opts: { n: number; opsTotal: number; keys: string[]; startMs: number; thinkMsMax: number; weakReplyQuorum?: boolean; bigRequestBytesMin?: number },
  ) {
    const mutations = opts.weakReplyQuorum === true ? { weakReplyQuorum: true } : undefined;
    this.core = new ClientCore({ id, n: opts.n, initialTimestamp: 1, seed: prng.nextU32(), mutations, bigRequestBytesMin: opts.bigRequestBytesMin }, auth);
    this.nextSubmitMs = opts.startMs;
  }

  get done(): boolean {
    return this.issued >= this.opts.opsTotal && this.pending === null;
  }

  tick(nowMs: number): void {
    if (this.pending === null && this.issued < this.opts.opsTotal && nowMs >= this.nextSubmitMs) this.submit(nowMs);
    this.handle(this.core.tick(nowMs), nowMs);
  }

  onReply(auth: AuthReply, nowMs: number): void {
    const reply = this.auth.openReply(auth);
    if (reply === null) {
      this.env.note(this.id, 'dropped forged/malformed reply');
      return;
    }
    this.handle(this.core.onReply(reply), nowMs);
  }

  private submit(nowMs: number): void {
    const op = this.nextOp();
    this.ops.set(op.id, { op, client: this.id, invokeMs: nowMs });
    this.pending = { id: op.id };
    this.env.note(this.id, `invoke ${op.id} ${op.kind}(${op.key})`);
    this.handle(this.core.submit(encodeOp(op), isReadOnly(op)), nowMs);
  }

  private nextOp(): KvOp {
    const index = this.issued++;
    const id = `c${this.id}.${index}`;
    const key = this.prng.pick(this.opts.keys);
    const value = `${this.id - 1000}.${index};`;
    const roll = this.prng.next();
    if (roll < 0.3) return { kind: 'get', id, key };
    if (roll < 0.5) return { kind: 'put', id, key, value };
    if (roll < 0.8) return { kind: 'append', id, key, value };
    return { kind: 'cas', id, key, expect: this.lastSeen.get(key) ?? null, value };
  }

  private handle(outputs: ReturnType<ClientCore['tick']>, nowMs: number): void {
    for (const out of outputs) {
      if (out.type === 'send') {
        if (this.pending !== null && this.pending.timestamp === undefined) {
          this.pending.timestamp = decodeRequest(out.auth.request)?.timestamp;
        }
        this.env.send(this.id, out.to, out.auth);
      } else {
        this.complete(out.timestamp, decodeResult(out.result) ?? UNDECODABLE, nowMs);
      }
    }
  }

  private complete(timestamp: number, result: KvResult, nowMs: number): void {
    const p = this.pending;
    if (p === null) {
      this.env.note(this.id, `done for timestamp ${timestamp} with nothing pending`);
      return;
    }
    const rec = this.ops.get(p.id) as OpRecord;
    if (p.timestamp !== undefined && p.timestamp !== timestamp) {
      this.env.note(this.id, `done for timestamp ${timestamp} while ${p.timestamp} is pending`);
    }
    rec.responseMs = nowMs;
    rec.result = result;
    this.lastSeen.set(rec.op.key, result.value);
    this.env.note(this.id, `done ${p.id} -> ${JSON.stringify(result)}`);
    this.pending = null;
    this.nextSubmitMs = nowMs + this.prng.int(0, this.opts.thinkMsMax);
  }
}
