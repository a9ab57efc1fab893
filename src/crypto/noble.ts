// The pure-JS provider (@noble/*): runs anywhere, slower; the oracle that the
// tests cross-check the native provider against.
import * as ed from '@noble/ed25519';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { KEY_BYTES, MAC_KEY_SALT, SIGNATURE_BYTES, macKeyInfo, type CryptoProvider } from './provider.js';

// @noble/ed25519 needs a synchronous SHA-512 for its sync API.
ed.hashes.sha512 = sha512;

function verify(ed25519Public: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== SIGNATURE_BYTES || ed25519Public.length !== KEY_BYTES) return false;
  try {
    return ed.verify(sig, msg, ed25519Public);
  } catch {
    return false;
  }
}

function macKey(myX25519Secret: Uint8Array, peerX25519Public: Uint8Array): Uint8Array {
  const shared = x25519.getSharedSecret(myX25519Secret, peerX25519Public);
  const info = macKeyInfo(x25519.getPublicKey(myX25519Secret), peerX25519Public);
  return hkdf(sha256, shared, MAC_KEY_SALT, info, 32);
}

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  generateIdentity: () => ({ ed25519Secret: randomBytes(KEY_BYTES), x25519Secret: randomBytes(KEY_BYTES) }),
  publicIdentity: (identity) => ({
    ed25519Public: ed.getPublicKey(identity.ed25519Secret),
    x25519Public: x25519.getPublicKey(identity.x25519Secret),
  }),
  sign: (ed25519Secret, msg) => ed.sign(msg, ed25519Secret),
  verify,
  macKey,
};
