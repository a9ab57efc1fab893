// A trivial deterministic state machine for the core's tests: a string map.
// Ops: "set K V" -> "OK", "get K" -> value, "append K V" -> new value, "big N" -> N bytes.
import type { ClientId, StateMachine } from '../../../src/pbft/types.js';
import { sha } from './fake-auth.js';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export class KvMachine implements StateMachine {
  state = new Map<string, string>();
  executed: { op: string; client: ClientId; timeMs: number }[] = [];
  /** Last reply per client, part of the state (recordReply / lastReplies). */
  replies = new Map<ClientId, { timestamp: number; result: Uint8Array }>();
  private undo: { state: Map<string, string>; executed: number; replies: Map<ClientId, { timestamp: number; result: Uint8Array }> } | null = null;

  recordReply(client: ClientId, timestamp: number, result: Uint8Array): void {
    this.replies.set(client, { timestamp, result });
  }

  lastReplies(): Iterable<{ client: ClientId; timestamp: number; result: Uint8Array }> {
    return [...this.replies].map(([client, r]) => ({ client, ...r }));
  }

  /** What a state transfer would install: a copy of `other`'s state. */
  installFrom(other: KvMachine): void {
    this.state = new Map(other.state);
    this.replies = new Map(other.replies);
  }

  execute(op: Uint8Array, client: ClientId, timeMs: number): Uint8Array {
    const text = utf8d.decode(op);
    this.executed.push({ op: text, client, timeMs });
    const [cmd, k = '', v = ''] = text.split(' ');
    switch (cmd) {
      case 'set': this.state.set(k, v); return utf8.encode('OK');
      case 'append': { const nv = (this.state.get(k) ?? '') + v; this.state.set(k, nv); return utf8.encode(nv); }
      case 'big': return utf8.encode('x'.repeat(Number(k)));
      default: return this.query(op, client);
    }
  }

  query(op: Uint8Array, _client: ClientId): Uint8Array {
    const [cmd, k = ''] = utf8d.decode(op).split(' ');
    if (cmd === 'get') return utf8.encode(this.state.get(k) ?? '');
    if (cmd === 'big') return utf8.encode('y'.repeat(Number(k)));
    return utf8.encode(`EINVAL ${cmd}`);
  }

  digest(): Uint8Array {
    const replies = [...this.replies].sort((a, b) => a[0] - b[0]).map(([c, r]) => [c, r.timestamp, text(r.result)]);
    return sha(JSON.stringify([[...this.state.entries()].sort(), replies]));
  }

  beginTentative(): void {
    this.undo = { state: new Map(this.state), executed: this.executed.length, replies: new Map(this.replies) };
  }

  commitTentative(): void {
    this.undo = null;
  }

  rollbackTentative(): void {
    if (!this.undo) return;
    this.state = this.undo.state;
    this.replies = this.undo.replies;
    this.executed.length = this.undo.executed;
    this.undo = null;
  }
}

export function text(b: Uint8Array): string {
  return utf8d.decode(b);
}

export function bytes(s: string): Uint8Array {
  return utf8.encode(s);
}
