// Fast, deterministic stand-ins for the real crypto: "signatures" and MACs
// are truncated SHA-256 of (secret || bytes), with per-node secrets that only
// the simulator's key table holds. Each node gets an auth object bound to its
// own identity, so a Byzantine replica can seal only as itself: anything it
// fabricates for another signer fails open() exactly as a forgery would.
import { createHash } from 'node:crypto';
import type {
  AuthReply, AuthRequest, ClientId, ProtocolAuth, ProtocolMessage, Reply, ReplicaId, Request, Signed,
} from '../pbft/types.js';
import type { Prng } from './prng.js';
import { bytesEqual, decodeValue, encodeValue, isRecord, type SimValue } from './sim-codec.js';

const TAG_BYTES = 16;
const PROTOCOL_TYPES = new Set(['prePrepare', 'prepare', 'commit', 'checkpoint', 'lagging', 'viewChange', 'newView']);

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

function keyedTag(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(key).update(bytes).digest();
  return new Uint8Array(h.buffer, h.byteOffset, TAG_BYTES).slice();
}

/** The simulator's secret table: one secret per node, pair keys derived from them. */
export class SimKeys {
  private readonly secrets = new Map<number, Uint8Array>();
  private readonly pairKeys = new Map<string, Uint8Array>();

  constructor(private readonly prng: Prng) {}

  secret(node: number): Uint8Array {
    let s = this.secrets.get(node);
    if (s === undefined) {
      s = this.prng.bytes(32);
      this.secrets.set(node, s);
    }
    return s;
  }

  /** The MAC key shared by a client and a replica. */
  pairKey(client: ClientId, replica: ReplicaId): Uint8Array {
    const id = `${client}:${replica}`;
    let k = this.pairKeys.get(id);
    if (k === undefined) {
      const label = encodeValue(['pair', client, replica]);
      k = keyedTag(this.secret(client), label);
      this.pairKeys.set(id, k);
    }
    return k;
  }

  sign(signer: number, body: Uint8Array): Uint8Array {
    return keyedTag(this.secret(signer), body);
  }

  verify(signer: number, body: Uint8Array, sig: Uint8Array): boolean {
    return Number.isInteger(signer) && signer >= 0 && bytesEqual(this.sign(signer, body), sig);
  }

  mac(client: ClientId, replica: ReplicaId, bytes: Uint8Array): Uint8Array {
    return keyedTag(this.pairKey(client, replica), bytes);
  }
}

function decodeRecord(bytes: Uint8Array): { [key: string]: SimValue } | undefined {
  const v = decodeValue(bytes);
  return isRecord(v) ? v : undefined;
}

export function decodeProtocol(body: Uint8Array): ProtocolMessage | null {
  const v = decodeRecord(body);
  if (v === undefined || typeof v.type !== 'string' || !PROTOCOL_TYPES.has(v.type) || !isRecord(v[v.type])) return null;
  return v as unknown as ProtocolMessage;
}

export function decodeRequest(bytes: Uint8Array): Request | null {
  const v = decodeRecord(bytes);
  if (v === undefined || typeof v.client !== 'number' || typeof v.timestamp !== 'number') return null;
  if (!(v.op instanceof Uint8Array) || typeof v.readOnly !== 'boolean' || typeof v.replier !== 'number') return null;
  return v as unknown as Request;
}

export function decodeReply(bytes: Uint8Array): Reply | null {
  const v = decodeRecord(bytes);
  if (v === undefined || typeof v.client !== 'number' || typeof v.replica !== 'number') return null;
  if (typeof v.timestamp !== 'number' || typeof v.view !== 'number' || typeof v.tentative !== 'boolean') return null;
  if (!(v.result instanceof Uint8Array) || !(v.resultDigest instanceof Uint8Array) || typeof v.full !== 'boolean') return null;
  return v as unknown as Reply;
}

/** ProtocolAuth for replica `self`. */
export class SimReplicaAuth implements ProtocolAuth {
  constructor(private readonly keys: SimKeys, readonly self: ReplicaId) {}

  seal(msg: ProtocolMessage): Signed {
    const body = encodeValue(msg);
    return { body, signer: this.self, sig: this.keys.sign(this.self, body) };
  }

  open(signed: Signed): ProtocolMessage | null {
    if (!this.keys.verify(signed.signer, signed.body, signed.sig)) return null;
    return decodeProtocol(signed.body);
  }

  openRequest(req: AuthRequest): Request | null {
    const request = decodeRequest(req.request);
    const mac = req.macs[this.self];
    if (request === null || mac === undefined) return null;
    return bytesEqual(this.keys.mac(request.client, this.self, req.request), mac) ? request : null;
  }

  sealReply(reply: Reply): AuthReply {
    const bytes = encodeValue(reply);
    return { reply: bytes, mac: this.keys.mac(reply.client, this.self, bytes) };
  }

  digest(bytes: Uint8Array): Uint8Array {
    return sha256(bytes);
  }
}

/** What the client core needs (mirrors ClientAuth in src/pbft/client-core.ts). */
export interface SimClientAuthShape {
  sealRequest(req: Request): AuthRequest;
  digest(bytes: Uint8Array): Uint8Array;
}

/** Client-side auth: MACs a request for every replica, checks reply MACs. */
export class SimClientAuth implements SimClientAuthShape {
  constructor(private readonly keys: SimKeys, readonly self: ClientId, private readonly n: number) {}

  sealRequest(req: Request): AuthRequest {
    const request = encodeValue(req);
    const macs: Uint8Array[] = [];
    for (let r = 0; r < this.n; r++) macs.push(this.keys.mac(this.self, r, request));
    return { request, macs };
  }

  /** Decode a reply and check its MAC; null if forged, malformed or not for us. */
  openReply(auth: AuthReply): Reply | null {
    const reply = decodeReply(auth.reply);
    if (reply === null || reply.client !== this.self) return null;
    return bytesEqual(this.keys.mac(this.self, reply.replica, auth.reply), auth.mac) ? reply : null;
  }

  digest(bytes: Uint8Array): Uint8Array {
    return sha256(bytes);
  }
}
