// The one verification path both transports run before delivering anything:
// decode + check the signature (replica traffic), this node's MAC entry
// (requests) or the MAC (replies), and that the message may come from that peer.
import type { ClientAuth, ReplicaAuth } from '../crypto/node-auth.js';
import type { DropReason } from './drops.js';
import type { Delivery, Envelope, NodeId } from './transport.js';
import { decodeEnvelope } from './codec.js';

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

/**
 * Every check an incoming frame goes through, the same for every transport:
 * size, decoding, no hello after the handshake, then verifyEnvelope. Returns
 * the delivery, or why (and with what detail) to drop the frame.
 */
export function checkIncoming(auth: NodeAuthority, bytes: Uint8Array, from: NodeId, maxMessageBytes: number):
  Delivery | { drop: DropReason; detail?: Record<string, unknown> } {
  if (bytes.length > maxMessageBytes) return { drop: 'oversize', detail: { bytes: bytes.length } };
  const envelope = decodeEnvelope(bytes);
  if (!envelope) return { drop: 'malformed' };
  if (envelope.type === 'hello') return { drop: 'unexpected' };
  const delivery = verifyEnvelope(auth, envelope, from);
  return typeof delivery === 'string' ? { drop: delivery } : delivery;
}
