// The one verification path both transports run before delivering anything:
// decode + check the signature (replica traffic), this node's MAC entry
// (requests) or the MAC (replies), and that the message may come from that peer.
import type { ClientAuth, ReplicaAuth } from '../crypto/node-auth.js';
import type { DropReason } from './drops.js';
import type { Delivery, Envelope, NodeId } from './transport.js';
import { decodeEnvelope, type WireEnvelope } from './codec.js';

export type NodeAuthority = ReplicaAuth | ClientAuth;

function isReplicaAuth(auth: NodeAuthority): auth is ReplicaAuth {
  return 'openRequest' in auth;
}

/** A verified delivery, or why the envelope from `from` (an authenticated peer) is dropped. */
export function verifyEnvelope(auth: NodeAuthority, envelope: Envelope, from: NodeId): Delivery | DropReason {
  const fromReplica = auth.isReplica(from);
  if (isReplicaAuth(auth)) {
    switch (envelope.type) {
      case 'signed': {
        if (!fromReplica) return 'unexpected';
        const msg = auth.open(envelope.signed);
        return msg ? { type: 'protocol', from, signed: envelope.signed, msg } : 'bad-signature';
      }
      case 'request': {
        const request = auth.openRequest(envelope.auth);
        if (!request) return 'bad-mac';
        // A client speaks only for itself; replicas may forward anyone's request.
        if (!fromReplica && request.client !== from) return 'client-mismatch';
        return { type: 'request', from, auth: envelope.auth, request };
      }
      case 'reply': return 'unexpected';
    }
  }
  if (envelope.type !== 'reply' || !fromReplica) return 'unexpected';
  const reply = auth.openReply(envelope.auth);
  if (!reply || reply.replica !== from) return 'bad-mac';
  return { type: 'reply', from, auth: envelope.auth, reply };
}

/** Where checkIncoming hands each verified delivery and each drop (with its detail). */
export interface IncomingSink {
  deliver(delivery: Delivery): void;
  drop(reason: DropReason, detail?: Record<string, unknown>): void;
}

/**
 * Every check an incoming stream message goes through, the same for every
 * transport: size, decoding, no hello after the handshake, then verifyEnvelope.
 * A bundle (several envelopes coalesced by the sender) is unpacked and each
 * item takes the same path on its own, so one bad item costs only itself; an
 * item that is itself a bundle or a hello is 'unexpected'.
 */
export function checkIncoming(auth: NodeAuthority, bytes: Uint8Array, from: NodeId, maxMessageBytes: number, sink: IncomingSink): void {
  if (bytes.length > maxMessageBytes) return sink.drop('oversize', { bytes: bytes.length });
  const envelope = decodeEnvelope(bytes);
  if (!envelope) return sink.drop('malformed');
  if (envelope.type !== 'bundle') return checkDecoded(auth, envelope, from, sink);
  for (const item of envelope.envelopes) {
    const inner = decodeEnvelope(item);
    if (!inner) sink.drop('malformed');
    else if (inner.type === 'bundle') sink.drop('unexpected');
    else checkDecoded(auth, inner, from, sink);
  }
}

function checkDecoded(auth: NodeAuthority, envelope: Exclude<WireEnvelope, { type: 'bundle' }>, from: NodeId, sink: IncomingSink): void {
  if (envelope.type === 'hello') return sink.drop('unexpected');
  const delivery = verifyEnvelope(auth, envelope, from);
  if (typeof delivery === 'string') sink.drop(delivery);
  else sink.deliver(delivery);
}
