// Batch digests: over the agreed time and the digests of the encoded requests,
// so a pre-prepare binds exactly one ordered list of requests at one time.
import type { AuthRequest, ProtocolAuth } from './types.js';
import { concatBytes, u64be } from './bytes.js';

export function requestDigests(auth: ProtocolAuth, requests: AuthRequest[]): Uint8Array[] {
  return requests.map((r) => auth.digest(r.request));
}

export function batchDigestFrom(auth: ProtocolAuth, timeMs: number, reqDigests: Uint8Array[]): Uint8Array {
  return auth.digest(concatBytes([u64be(timeMs), ...reqDigests]));
}

export function batchDigest(auth: ProtocolAuth, timeMs: number, requests: AuthRequest[]): Uint8Array {
  return batchDigestFrom(auth, timeMs, requestDigests(auth, requests));
}

/** Encoded size of a batch's requests (the batchBytesMax bound). */
export function batchBytes(requests: AuthRequest[]): number {
  let total = 0;
  for (const r of requests) total += r.request.length;
  return total;
}
