// Which incoming protocol messages are not worth checking: a PREPARE that
// matches an entry this replica has already prepared in that view, from a
// replica whose PREPARE for it we do not hold. Prepared needs the pre-prepare
// and 2f matching PREPAREs; once we have them, a further matching PREPARE would
// only be stored. At n = 4 and one batch in flight that is one PREPARE of two
// at each backup and one of three at the primary. While PREPAREs were signed
// that was 4 of the 12 Ed25519 verifies per batch (~113 µs each); with MAC
// authenticators it saves an HMAC and a step of the core.
//
// Why this is safe: a skipped message never reaches the core, so nothing
// unverified can enter a certificate or a quorum; skipping is the same as the
// network losing the message, which PBFT tolerates (the pure core never learns
// the difference). What we lose is only the stored copy, and we keep it where
// it matters:
// - once the entry is committed, PREPAREs are verified and delivered again, so
//   a retransmission from a lagging replica is stored and its next one is the
//   duplicate that makes the core re-send ours (helpLagging);
// - a PREPARE from a replica we already hold one from is delivered (it is a
//   duplicate or a conflicting vote, which the core acts on);
// - the WAL and the state-transfer log then carry the 2f PREPAREs that made
//   the entry prepared, which is what a replica replaying or catching up needs.
// Every other message type is always verified and delivered.
import type { Replica } from '../pbft/replica.js';
import type { ProtocolMessage } from '../pbft/types.js';
import type { RedundantCheck } from '../transport/verify-envelope.js';

export function redundantVotes(replica: Replica): RedundantCheck {
  return (msg: ProtocolMessage) => {
    if (msg.type !== 'prepare') return false;
    const p = msg.prepare;
    const e = replica.log.get(p.seq);
    if (!e || e.view !== p.view || !e.prepared || e.committed || !e.prePrepare || e.prepares.has(p.replica)) return false;
    return sameBytes(e.prePrepare.digest, p.digest);
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
