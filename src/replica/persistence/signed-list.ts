// Signed protocol messages on disk (WAL batches, checkpoint proofs): a count,
// then per message signer u32 | body length u32 | body | sig length u32 | sig.
// The caller's checksum covers the bytes; decoding still refuses any length
// that runs past the end (a damaged file never crashes us).
import type { Signed } from '../../pbft/types.js';

export function encodeSignedList(list: readonly Signed[]): Uint8Array {
  let size = 4;
  for (const s of list) size += 12 + s.body.length + s.sig.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, list.length);
  let at = 4;
  for (const s of list) {
    view.setUint32(at, s.signer);
    view.setUint32(at + 4, s.body.length);
    out.set(s.body, at + 8);
    at += 8 + s.body.length;
    view.setUint32(at, s.sig.length);
    out.set(s.sig, at + 4);
    at += 4 + s.sig.length;
  }
  return out;
}

/** The messages, or null when the bytes are not a whole list. */
export function decodeSignedList(bytes: Uint8Array): Signed[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) return null;
  const count = view.getUint32(0);
  const out: Signed[] = [];
  let at = 4;
  const take = (): Uint8Array | null => {
    if (bytes.length - at < 4) return null;
    const length = view.getUint32(at);
    if (bytes.length - at - 4 < length) return null;
    const b = bytes.slice(at + 4, at + 4 + length);
    at += 4 + length;
    return new Uint8Array(b);
  };
  for (let i = 0; i < count; i++) {
    if (bytes.length - at < 4) return null;
    const signer = view.getUint32(at);
    at += 4;
    const body = take();
    const sig = take();
    if (!body || !sig) return null;
    out.push({ signer, body, sig });
  }
  return at === bytes.length ? out : null;
}
