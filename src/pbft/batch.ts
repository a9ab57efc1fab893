// Batch digests: over the agreed time and the digests of the encoded requests,
// so a pre-prepare binds exactly one ordered list of requests at one time. A
// big request carried by digest only (`byDigest`) contributes that digest, so
// both forms of one request give the same batch digest.
import type { AuthRequest, ProtocolAuth } from './types.js';
import { concatBytes, u64be } from './bytes.js';

const EMPTY = new Uint8Array(0);

/** A pre-prepare entry that names a big request by its digest only (the replicas hold the client's copy). */
export function byDigest(digest: Uint8Array): AuthRequest {
  return { request: EMPTY, macs: [], digest };
}

/** Whether a pre-prepare entry is a request by digest only (no bytes of its own). */
export function isByDigest(r: AuthRequest): r is AuthRequest & { digest: Uint8Array } {
  // The simulator's codec turns an absent field into null: test the type, not presence.
  return r.request.length === 0 && r.digest instanceof Uint8Array && r.digest.length > 0;
}

export function requestDigests(auth: ProtocolAuth, requests: AuthRequest[]): Uint8Array[] {
  return requests.map((r) => (isByDigest(r) ? r.digest : auth.digest(r.request)));
}

export function batchDigestFrom(auth: ProtocolAuth, timeMs: number, reqDigests: Uint8Array[]): Uint8Array {
  return auth.digest(concatBytes([u64be(timeMs), ...reqDigests]));
}

export function batchDigest(auth: ProtocolAuth, timeMs: number, requests: AuthRequest[]): Uint8Array {
  return batchDigestFrom(auth, timeMs, requestDigests(auth, requests));
}

/** Encoded size of a batch's requests (the batchBytesMax bound); a request by digest counts its digest. */
export function batchBytes(requests: AuthRequest[]): number {
  let total = 0;
  for (const r of requests) total += isByDigest(r) ? r.digest.length : r.request.length;
  return total;
}
