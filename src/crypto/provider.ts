// One small crypto interface, two providers (DESIGN.md §5): `native`
// (node:crypto, the default, every hot path) and `noble` (pure JS, the oracle
// the tests cross-check native against). Keys travel as raw 32-byte arrays.

/** The secret half of a node's identity: Ed25519 seed (signatures) and X25519 scalar (pairwise MAC keys). */
export interface Identity { ed25519Secret: Uint8Array; x25519Secret: Uint8Array }
/** What everyone may know about a node (cluster.json). */
export interface PublicIdentity { ed25519Public: Uint8Array; x25519Public: Uint8Array }

export const KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const MAC_BYTES = 32;
export const DIGEST_BYTES = 32;

export interface CryptoProvider {
  readonly name: 'native' | 'noble';
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  generateIdentity(): Identity;
  publicIdentity(identity: Identity): PublicIdentity;
  /** Ed25519 signature (deterministic: same seed and message, same bytes). */
  sign(ed25519Secret: Uint8Array, msg: Uint8Array): Uint8Array;
  /** Never throws: a malformed key or signature is simply false. */
  verify(ed25519Public: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
  /** Pairwise MAC key: HKDF-SHA256 over the static X25519 shared secret; the same on both sides. */
  macKey(myX25519Secret: Uint8Array, peerX25519Public: Uint8Array): Uint8Array;
}

/** HKDF parameters shared by both providers so their MAC keys agree. */
export const MAC_KEY_SALT = new TextEncoder().encode('bfs/mac-key/v1');

/**
 * HKDF info: both public keys in a fixed (byte-wise sorted) order, so the key
 * is bound to the pair and both sides derive the same one.
 */
export function macKeyInfo(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [lo, hi] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
  const info = new Uint8Array(lo.length + hi.length);
  info.set(lo, 0);
  info.set(hi, lo.length);
  return info;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Constant-time equality (MAC checks must not leak how many bytes matched). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
