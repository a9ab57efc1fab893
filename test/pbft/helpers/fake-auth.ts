// Test doubles for the pure core: a deterministic JSON-with-bytes encoding and
// fake signatures/MACs (a hash keyed by the signer's id) that still detect forgery.
import { createHash } from 'node:crypto';
import type { AuthReply, AuthRequest, ClientAuth, ProtocolAuth, ProtocolMessage, Reply, Request, Signed } from '../../../src/pbft/types.js';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $b: Buffer.from(value).toString('hex') } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$b' in value) {
    return new Uint8Array(Buffer.from(String((value as { $b: string }).$b), 'hex'));
  }
  return value;
}

export function encodeJson(v: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(v, replacer));
}

export function decodeJson<T>(b: Uint8Array): T {
  return JSON.parse(utf8d.decode(b), reviver) as T;
}

export function sha(...parts: (Uint8Array | string)[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? utf8.encode(p) : p);
  return new Uint8Array(h.digest());
}

function eq(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

export function requestMac(client: number, replica: number, body: Uint8Array): Uint8Array {
  return sha('mac', String(client), String(replica), body).subarray(0, 8);
}

export class FakeAuth implements ProtocolAuth {
  constructor(readonly id: number) {}

  seal(msg: ProtocolMessage): Signed {
    const body = encodeJson(msg);
    return { body, signer: this.id, sig: sha('sig', String(this.id), body).subarray(0, 8) };
  }

  /** Sign as someone else (a forgery: open() must reject it). */
  forge(msg: ProtocolMessage, as: number): Signed {
    return { body: encodeJson(msg), signer: as, sig: new Uint8Array(8) };
  }

  open(s: Signed): ProtocolMessage | null {
    if (!eq(s.sig, sha('sig', String(s.signer), s.body).subarray(0, 8))) return null;
    try {
      return decodeJson<ProtocolMessage>(s.body);
    } catch {
      return null;
    }
  }

  openRequest(a: AuthRequest): Request | null {
    try {
      const r = decodeJson<Request>(a.request);
      return eq(a.macs[this.id], requestMac(r.client, this.id, a.request)) ? r : null;
    } catch {
      return null;
    }
  }

  sealReply(reply: Reply): AuthReply {
    const body = encodeJson(reply);
    return { reply: body, mac: sha('reply', String(reply.replica), String(reply.client), body).subarray(0, 8) };
  }

  digest(bytes: Uint8Array): Uint8Array {
    return sha(bytes);
  }
}

export class FakeClientAuth implements ClientAuth {
  /** `badMacFor`: replicas whose MAC entry this (faulty) client corrupts. */
  constructor(readonly n: number, readonly badMacFor: Set<number> = new Set()) {}

  sealRequest(req: Request): AuthRequest {
    const request = encodeJson(req);
    const macs: Uint8Array[] = [];
    for (let i = 0; i < this.n; i++) macs.push(this.badMacFor.has(i) ? new Uint8Array(8) : requestMac(req.client, i, request));
    return { request, macs };
  }

  digest(bytes: Uint8Array): Uint8Array {
    return sha(bytes);
  }
}

export function openReply(a: AuthReply): Reply {
  return decodeJson<Reply>(a.reply);
}
