// Authentication of protocol traffic for one node (replica or client), built
// from a provider, the cluster config and the node's key file.
//
// Signatures vs MACs, decided by measurement (bench/crypto-bench.ts, 2 cores,
// node:crypto): Ed25519 sign 22k/s, verify 8-9k/s; HMAC-SHA256 of 128 B 237k/s.
// - The normal case carries MAC authenticators (PBFT §5): PRE-PREPAREs,
//   PREPAREs and COMMITs have one HMAC-SHA256 per replica, ours included, over
//   the encoded ProtocolMessage, keyed pairwise (X25519 + HKDF, then a
//   per-purpose subkey); each replica checks its own entry. Sealing costs n
//   HMACs (~10 µs at n = 4) instead of a signature (~43 µs), opening one HMAC
//   (~3 µs) instead of a verify (~128 µs). With signed PRE-PREPAREs and
//   PREPAREs a batch cost 8-10 verifies and 4 signs across the group, ~1.3 ms
//   of the 3.4 ms of CPU one ordered op took (bench/profile/inproc.ts).
//   An authenticator proves nothing to a third replica, so no normal-case
//   message enters a certificate: VIEW-CHANGEs state what prepared and
//   pre-prepared under their sender's signature, and the new view is decided
//   from 2f+1 or more such statements (the view change without signatures of
//   Castro & Liskov TOCS 2002; src/pbft/view-change.ts). Where normal-case
//   messages are relayed (the state-transfer log, helpBehind, NEW-VIEW's O)
//   every receiver checks its own entry of the original authenticator; a
//   faulty sender whose entries check at A but not at B looks to B like a
//   message that never arrived, which PBFT tolerates anyway. Our own entry lets
//   a replica re-open its own log (WAL replay).
// - CHECKPOINTs (stable-checkpoint proofs), VIEW-CHANGEs, NEW-VIEWs and
//   LAGGING carry Ed25519 signatures: proofs must convince a third replica, and
//   none of them is on the per-batch path.
// - Client requests carry MAC authenticators (one HMAC per replica, keyed
//   pairwise via X25519 + HKDF): per request, n HMACs cost ~17 µs for n = 4
//   where one signature + n verifies would cost ~500 µs, which would cap
//   request throughput at a few thousand per second. Replies carry one HMAC
//   for their client, for the same reason.
// - Stream hellos are signed (once per connection; not on the hot path).
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AuthReply, AuthRequest, ClientAuth as ClientAuthContract, ProtocolAuth, ProtocolMessage, Reply, Request, Signed } from '../pbft/types.js';
import type { ClusterConfig } from '../transport/cluster-config.js';
import {
  decodeHelloBody, decodeProtocolMessage, decodeReply, decodeRequest, encodeHelloBody, encodeProtocolMessage, encodeReply, encodeRequest,
  type Hello,
} from '../transport/codec.js';
import { nativeProvider } from './native.js';
import { MAC_BYTES, equalBytes, type CryptoProvider } from './provider.js';
import type { KeyFile } from './key-file.js';

export interface NodeAuthOptions {
  config: ClusterConfig;
  key: KeyFile;
  provider?: CryptoProvider;
}

/** Why a hello was rejected (a drop reason). */
export type HelloRejection = 'hello-malformed' | 'hello-unknown-node' | 'hello-wrong-target' | 'hello-stale' | 'hello-bad-signature';

const NONCE_BYTES = 16;

/** What both replicas and clients can do: sign/verify hellos, check replica signatures, digest. */
export class NodeAuth {
  readonly id: number;
  readonly config: ClusterConfig;
  protected readonly provider: CryptoProvider;
  protected readonly key: KeyFile;
  private readonly edPublics = new Map<number, Uint8Array>();
  /**
   * Signatures already verified, by signer and signature, holding the body they cover.
   * View changes and checkpoint files re-present CHECKPOINTs this replica verified on
   * arrival (stable-checkpoint proofs in every VIEW-CHANGE); a hit costs a byte compare instead of
   * an Ed25519 verify (~110 µs). Only successes are cached; the body must match exactly.
   */
  private readonly verified = new LRUCache<string, Uint8Array>({
    max: 20_000, maxSize: 32 * 1024 * 1024, sizeCalculation: (body) => body.length + 64,
  });

  constructor(options: NodeAuthOptions) {
    this.provider = options.provider ?? nativeProvider;
    this.config = options.config;
    this.key = options.key;
    this.id = options.key.id;
    for (const node of [...this.config.replicas, ...this.config.clients]) this.edPublics.set(node.id, node.ed25519Public);
    const mine = this.edPublics.get(this.id);
    const derived = this.provider.publicIdentity(this.key.identity);
    if (!mine) throw new Error(`node ${this.id} is not in the cluster file`);
    if (!equalBytes(mine, derived.ed25519Public)) throw new Error(`key file for node ${this.id} does not match its public key in the cluster file`);
  }

  get n(): number { return this.config.replicas.length; }
  isReplica(id: number): boolean { return Number.isInteger(id) && id >= 0 && id < this.n; }
  isClient(id: number): boolean { return this.config.clients.some((c) => c.id === id); }

  digest(bytes: Uint8Array): Uint8Array { return this.provider.sha256(bytes); }

  /** True when `signed` carries a valid signature by a replica. */
  verifySigned(signed: Signed): boolean {
    if (!this.isReplica(signed.signer)) return false;
    const id = `${signed.signer}/${Buffer.from(signed.sig.buffer, signed.sig.byteOffset, signed.sig.byteLength).toString('base64')}`;
    const body = this.verified.get(id);
    if (body && equalBytes(body, signed.body)) return true;
    if (!this.provider.verify(this.edPublics.get(signed.signer) as Uint8Array, signed.body, signed.sig)) return false;
    this.verified.set(id, Uint8Array.from(signed.body));   // a copy: later mutation of the caller's array must not vouch for other bytes
    return true;
  }

  /** Check a replica's signature and decode; null if forged or malformed. */
  open(signed: Signed): ProtocolMessage | null {
    return this.verifySigned(signed) ? decodeProtocolMessage(signed.body) : null;
  }

  /** The first envelope of a stream we open to `target`. */
  makeHello(target: number, nowMs: number): Hello {
    const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
    const body = encodeHelloBody({ node: this.id, target, timeMs: nowMs, nonce });
    return { body, sig: this.provider.sign(this.key.identity.ed25519Secret, body) };
  }

  /** Authenticates the sender of a hello sent to us; returns its node id or why not. */
  openHello(hello: Hello, nowMs: number, skewMsMax: number): number | HelloRejection {
    const body = decodeHelloBody(hello.body);
    if (!body) return 'hello-malformed';
    const pub = this.edPublics.get(body.node);
    if (!pub || body.node === this.id) return 'hello-unknown-node';
    if (body.target !== this.id) return 'hello-wrong-target';
    if (Math.abs(nowMs - body.timeMs) > skewMsMax) return 'hello-stale';
    if (!this.provider.verify(pub, hello.body, hello.sig)) return 'hello-bad-signature';
    return body.node;
  }
}

/** Pairwise MAC keys with every node of `ids`, derived once. */
function macKeys(provider: CryptoProvider, config: ClusterConfig, key: KeyFile, ids: 'clients' | 'replicas'): Map<number, Uint8Array> {
  const keys = new Map<number, Uint8Array>();
  for (const node of config[ids]) {
    if (node.id !== key.id) keys.set(node.id, provider.macKey(key.identity.x25519Secret, node.x25519Public));
  }
  return keys;
}

/** Protocol messages authenticated by a MAC authenticator instead of a signature (see the top of this file). */
export const AUTHENTICATOR_TYPES: ReadonlySet<ProtocolMessage['type']> = new Set(['prePrepare', 'prepare', 'commit']);

/** Subkey label: the pairwise replica keys serve only authenticators, but a purpose label keeps it that way. */
const AUTHENTICATOR_LABEL = new TextEncoder().encode('bfs/replica-authenticator/v1');

/** A replica's ProtocolAuth: signatures or authenticators for replica traffic (by message type), MACs with clients. */
export class ReplicaAuth extends NodeAuth implements ProtocolAuth {
  private readonly clientKeys: Map<number, Uint8Array>;
  /** Authenticator keys by replica id, our own included (an entry we can check ourselves). */
  private readonly replicaKeys: Uint8Array[];

  constructor(options: NodeAuthOptions) {
    super(options);
    if (!this.isReplica(this.id)) throw new Error(`node ${this.id} is not a replica`);
    this.clientKeys = macKeys(this.provider, this.config, this.key, 'clients');
    this.replicaKeys = this.config.replicas.map((r) =>
      this.provider.hmacSha256(this.provider.macKey(this.key.identity.x25519Secret, r.x25519Public), AUTHENTICATOR_LABEL));
  }

  seal(msg: ProtocolMessage): Signed {
    const body = encodeProtocolMessage(msg);
    const sig = AUTHENTICATOR_TYPES.has(msg.type) ? this.authenticator(body) : this.provider.sign(this.key.identity.ed25519Secret, body);
    return { body, signer: this.id, sig };
  }

  /** Check a replica's signature or, for the types that carry one, our entry of its authenticator; decode. Null if forged or malformed. */
  // The decoded type decides the scheme, so a signature never stands in for an authenticator or the reverse.
  override open(signed: Signed): ProtocolMessage | null {
    const msg = this.isReplica(signed.signer) ? decodeProtocolMessage(signed.body) : null;
    if (!msg) return null;
    const ok = AUTHENTICATOR_TYPES.has(msg.type) ? this.checkAuthenticator(signed) : this.verifySigned(signed);
    return ok ? msg : null;
  }

  /** n MACs of `body`, entry i for replica i. */
  private authenticator(body: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.replicaKeys.length * MAC_BYTES);
    this.replicaKeys.forEach((key, i) => out.set(this.provider.hmacSha256(key, body), i * MAC_BYTES));
    return out;
  }

  private checkAuthenticator(signed: Signed): boolean {
    if (signed.sig.length !== this.replicaKeys.length * MAC_BYTES) return false;
    const entry = signed.sig.subarray(this.id * MAC_BYTES, (this.id + 1) * MAC_BYTES);
    return equalBytes(entry, this.provider.hmacSha256(this.replicaKeys[signed.signer], signed.body));
  }

  openRequest(req: AuthRequest): Request | null {
    const request = decodeRequest(req.request);
    if (!request) return null;
    const key = this.clientKeys.get(request.client);
    const mac = req.macs[this.id];
    if (!key || !mac) return null;
    return equalBytes(mac, this.provider.hmacSha256(key, req.request)) ? request : null;
  }

  sealReply(reply: Reply): AuthReply {
    const bytes = encodeReply(reply);
    const key = this.clientKeys.get(reply.client);
    // An unknown client never passes openRequest, so there is no reply to it; an empty MAC fails at any client.
    return { reply: bytes, mac: key ? this.provider.hmacSha256(key, bytes) : new Uint8Array(0) };
  }
}

/** A client's side: MAC authenticators for requests, reply MAC checks. */
export class ClientAuth extends NodeAuth implements ClientAuthContract {
  private readonly replicaKeys: Map<number, Uint8Array>;

  constructor(options: NodeAuthOptions) {
    super(options);
    if (!this.isClient(this.id)) throw new Error(`node ${this.id} is not a client in the cluster file`);
    this.replicaKeys = macKeys(this.provider, this.config, this.key, 'replicas');
  }

  sealRequest(req: Request): AuthRequest {
    const request = encodeRequest(req);
    const macs = this.config.replicas.map((r) => this.provider.hmacSha256(this.replicaKeys.get(r.id) as Uint8Array, request));
    return { request, macs };
  }

  /** Decode a reply and check the MAC of the replica named inside; null if malformed, forged or not ours. */
  openReply(auth: AuthReply): Reply | null {
    const reply = decodeReply(auth.reply);
    if (!reply || reply.client !== this.id) return null;
    const key = this.replicaKeys.get(reply.replica);
    if (!key) return null;
    return equalBytes(auth.mac, this.provider.hmacSha256(key, auth.reply)) ? reply : null;
  }
}
