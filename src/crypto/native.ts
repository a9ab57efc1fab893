// The node:crypto provider: the default, used on every hot path. Importing a
// raw key into a KeyObject costs more than the operation itself, so KeyObjects
// are cached per key (by array identity first, then by content).
import {
  createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes,
  sign as edSign, verify as edVerify, type KeyObject,
} from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { KEY_BYTES, MAC_KEY_SALT, SIGNATURE_BYTES, macKeyInfo, type CryptoProvider, type Identity, type PublicIdentity } from './provider.js';

// DER prefixes that wrap a raw 32-byte key as PKCS#8 (secret) or SPKI (public).
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

type KeyKind = 'edSecret' | 'xSecret' | 'edPublic' | 'xPublic';

class KeyCache {
  private readonly byArray = new WeakMap<Uint8Array, KeyObject>();
  private readonly byContent = new LRUCache<string, KeyObject>({ max: 4096 });

  constructor(private readonly kind: KeyKind) {}

  get(raw: Uint8Array): KeyObject {
    const hit = this.byArray.get(raw);
    if (hit) return hit;
    const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
    let key = this.byContent.get(id);
    if (!key) {
      key = importKey(this.kind, raw);
      this.byContent.set(id, key);
    }
    this.byArray.set(raw, key);
    return key;
  }
}

function importKey(kind: KeyKind, raw: Uint8Array): KeyObject {
  if (raw.length !== KEY_BYTES) throw new Error(`${kind} key must be ${KEY_BYTES} bytes, got ${raw.length}`);
  const der = (prefix: Buffer): Buffer => Buffer.concat([prefix, raw]);
  switch (kind) {
    case 'edSecret': return createPrivateKey({ key: der(ED25519_PKCS8), format: 'der', type: 'pkcs8' });
    case 'xSecret': return createPrivateKey({ key: der(X25519_PKCS8), format: 'der', type: 'pkcs8' });
    case 'edPublic': return createPublicKey({ key: der(ED25519_SPKI), format: 'der', type: 'spki' });
    case 'xPublic': return createPublicKey({ key: der(X25519_SPKI), format: 'der', type: 'spki' });
  }
}

function rawPublic(key: KeyObject): Uint8Array {
  const spki = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - KEY_BYTES));
}

const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const edSecrets = new KeyCache('edSecret');
const xSecrets = new KeyCache('xSecret');
const edPublics = new KeyCache('edPublic');
const xPublics = new KeyCache('xPublic');

function verify(ed25519Public: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== SIGNATURE_BYTES || ed25519Public.length !== KEY_BYTES) return false;
  try {
    return edVerify(null, msg, edPublics.get(ed25519Public), sig);
  } catch {
    return false;   // a point that does not decode is a forged key, not our bug
  }
}

function macKey(myX25519Secret: Uint8Array, peerX25519Public: Uint8Array): Uint8Array {
  const privateKey = xSecrets.get(myX25519Secret);
  const shared = diffieHellman({ privateKey, publicKey: xPublics.get(peerX25519Public) });
  const info = macKeyInfo(rawPublic(createPublicKey(privateKey)), peerX25519Public);
  return new Uint8Array(hkdfSync('sha256', shared, MAC_KEY_SALT, info, 32));
}

function publicIdentity(identity: Identity): PublicIdentity {
  return {
    ed25519Public: rawPublic(createPublicKey(edSecrets.get(identity.ed25519Secret))),
    x25519Public: rawPublic(createPublicKey(xSecrets.get(identity.x25519Secret))),
  };
}

export const nativeProvider: CryptoProvider = {
  name: 'native',
  sha256: (data) => view(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => view(createHmac('sha256', key).update(data).digest()),
  generateIdentity: () => ({ ed25519Secret: view(randomBytes(KEY_BYTES)), x25519Secret: view(randomBytes(KEY_BYTES)) }),
  publicIdentity,
  sign: (ed25519Secret, msg) => view(edSign(null, msg, edSecrets.get(ed25519Secret))),
  verify,
  macKey,
};
