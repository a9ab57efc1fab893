// The BFS-nr baseline: one replica, no agreement. Requests are executed on
// arrival and answered at once; everything else (transport, state machine,
// replies, exactly-once) is the same server code as the replicated path.
import type { AuthReply, ClientId, Input, Output, ProtocolAuth, ReplicaStatus, StateMachine } from '../pbft/types.js';
import type { ReplicaCore } from './core.js';

interface LastReply { timestamp: number; reply: AuthReply }

export class UnreplicatedCore implements ReplicaCore {
  private executed = 0;
  private readonly lastReply = new Map<ClientId, LastReply>();
  private lastTimeMs = 0;

  constructor(private readonly sm: StateMachine, private readonly auth: ProtocolAuth, private readonly id = 0) {}

  step(input: Input): Output[] {
    if (input.type === 'tick') { this.lastTimeMs = Math.max(this.lastTimeMs, input.nowMs); return []; }
    if (input.type === 'protocol') {
      return [{ type: 'event', level: 'warn', event: 'dropProtocol', fields: { reason: 'unreplicated', peer: input.signed.signer } }];
    }
    if (input.type === 'stateTransferred') return [];
    const { request } = input;
    if (request.readOnly) return [this.reply(request.client, request.timestamp, this.sm.query(request.op, request.client))];
    const last = this.lastReply.get(request.client);
    if (last && request.timestamp < last.timestamp) {
      return [{ type: 'event', level: 'debug', event: 'dropRequest', fields: { reason: 'stale-timestamp', client: request.client } }];
    }
    if (last && request.timestamp === last.timestamp) return [{ type: 'reply', client: request.client, reply: last.reply }];
    // Time never goes backwards, as with the agreed batch time.
    const result = this.sm.execute(request.op, request.client, this.lastTimeMs);
    this.executed++;
    const out = this.reply(request.client, request.timestamp, result);
    this.lastReply.set(request.client, { timestamp: request.timestamp, reply: out.reply });
    return [out, { type: 'event', level: 'debug', event: 'executed', fields: { seq: this.executed, requests: 1, client: request.client } }];
  }

  status(): ReplicaStatus {
    return { id: this.id, view: 0, primary: this.id, lastExecuted: this.executed, stableSeq: this.executed, stableDigest: this.sm.digest(), viewChanging: false };
  }

  private reply(client: ClientId, timestamp: number, result: Uint8Array): Extract<Output, { type: 'reply' }> {
    const reply = this.auth.sealReply({
      view: 0, timestamp, client, replica: this.id, tentative: false,
      result, resultDigest: this.auth.digest(result), full: true,
    });
    return { type: 'reply', client, reply };
  }
}
