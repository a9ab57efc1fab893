// A trivial deterministic state machine for the core's tests: a string map.
// Ops: "set K V" -> "OK", "get K" -> value, "append K V" -> new value, "big N" -> N bytes.
import type { ClientId, StateMachine } from '../../../src/pbft/types.js';
import { sha } from './fake-auth.js';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export class KvMachine implements StateMachine {
  state = new Map<string, string>();
  executed: { op: string; client: ClientId; timeMs: number }[] = [];
  private undo: { state: Map<string, string>; executed: number } | null = null;

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
    return sha(JSON.stringify([...this.state.entries()].sort()));
  }

  beginTentative(): void {
    this.undo = { state: new Map(this.state), executed: this.executed.length };
  }

  commitTentative(): void {
    this.undo = null;
  }

  rollbackTentative(): void {
    if (!this.undo) return;
    this.state = this.undo.state;
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
