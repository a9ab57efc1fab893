// One-line descriptions of what travels, for the trace of a failing run.
import type { ProtocolMessage } from '../pbft/types.js';
import type { Envelope } from '../transport/transport.js';
import { decodeProtocol, decodeReply, decodeRequest } from './fake-auth.js';
import { decodeOp, decodeResult } from './kv-machine.js';
import { toHex } from './sim-codec.js';

function hex(bytes: Uint8Array): string {
  return toHex(bytes, 4);
}

export function describeProtocol(msg: ProtocolMessage): string {
  switch (msg.type) {
    case 'prePrepare': {
      const m = msg.prePrepare;
      return `PRE-PREPARE v${m.view} s${m.seq} d=${hex(m.digest)} reqs=${m.requests.length}`;
    }
    case 'prepare': return `PREPARE v${msg.prepare.view} s${msg.prepare.seq} d=${hex(msg.prepare.digest)}`;
    case 'commit': return `COMMIT v${msg.commit.view} s${msg.commit.seq} d=${hex(msg.commit.digest)}`;
    case 'lagging': return `LAGGING v${msg.lagging.view} executed=${msg.lagging.lastExecuted}`;
    case 'checkpoint': return `CHECKPOINT s${msg.checkpoint.seq} state=${hex(msg.checkpoint.stateDigest)}`;
    case 'viewChange': {
      const m = msg.viewChange;
      return `VIEW-CHANGE v${m.view} stable=${m.stableSeq} prepared=${m.prepared.length}`;
    }
    case 'newView': {
      const m = msg.newView;
      return `NEW-VIEW v${m.view} V=${m.viewChanges.length} O=${m.prePrepares.length}`;
    }
  }
}

export function describeEnvelope(env: Envelope): string {
  switch (env.type) {
    case 'signed': {
      const msg = decodeProtocol(env.signed.body);
      return `${msg === null ? 'malformed' : describeProtocol(msg)} (signer ${env.signed.signer})`;
    }
    case 'request': {
      const req = decodeRequest(env.auth.request);
      const op = req === null ? null : decodeOp(req.op);
      return req === null ? 'REQUEST malformed' : `REQUEST c${req.client} t${req.timestamp} ${op?.id ?? '?'} ${op?.kind ?? '?'}${req.readOnly ? ' ro' : ''}`;
    }
    case 'reply': {
      const rep = decodeReply(env.auth.reply);
      if (rep === null) return 'REPLY malformed';
      const result = rep.full ? JSON.stringify(decodeResult(rep.result)) : `digest ${hex(rep.resultDigest)}`;
      return `REPLY r${rep.replica} t${rep.timestamp} v${rep.view}${rep.tentative ? ' tentative' : ''} ${result}`;
    }
  }
}
