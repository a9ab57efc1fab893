// Byte helpers for the pure core (no Buffer here).

/** Fast equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const len = a.length;
  if (len !== b.length) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Lower-case hex, used as a Map key for digests. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

/** 8-byte big-endian encoding of a non-negative safe integer. */
export function u64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(value / 0x1_0000_0000));
  view.setUint32(4, value >>> 0);
  return out;
}

/** A copy with the first byte flipped: how Byzantine behaviours lie about digests. */
export function corruptBytes(bytes: Uint8Array): Uint8Array {
  const out = bytes.length > 0 ? bytes.slice() : new Uint8Array(1);
  out[0] ^= 0xff;
  return out;
}
