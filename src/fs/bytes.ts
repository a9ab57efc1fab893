// Minimal binary writer/reader for digests, snapshots and partitions. Integers
// up to 2^53 are written as two big-endian u32 halves so they stay exact.

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

// Appends into chunks and copies once at the end, so a snapshot of hundreds
// of MiB is not re-copied on every doubling.
export class ByteWriter {
  private done: Uint8Array[] = [];
  private doneBytes = 0;
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  // `initialBytes`: what the caller expects to write, so that bytesView() of
  // a big output (a state-transfer chunk) needs no copy.
  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    this.done.push(this.buf.subarray(0, this.len));
    this.doneBytes += this.len;
    const size = Math.max(extra, Math.min(this.buf.length * 2, 1 << 20));
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
  }

  u8(v: number): this { this.reserve(1); this.buf[this.len++] = v; return this; }
  u16(v: number): this { this.reserve(2); this.view.setUint16(this.len, v); this.len += 2; return this; }
  u32(v: number): this { this.reserve(4); this.view.setUint32(this.len, v >>> 0); this.len += 4; return this; }
  u53(v: number): this {
    this.reserve(8);
    this.view.setUint32(this.len, Math.floor(v / 2 ** 32));
    this.view.setUint32(this.len + 4, v >>> 0);
    this.len += 8;
    return this;
  }
  i53(v: number): this { this.u8(v < 0 ? 1 : 0); return this.u53(Math.abs(v)); }
  raw(bytes: Uint8Array): this { this.reserve(bytes.length); this.buf.set(bytes, this.len); this.len += bytes.length; return this; }
  bytes(bytes: Uint8Array): this { return this.u32(bytes.length).raw(bytes); }
  // Encoded in place (no intermediate array): names are written by the
  // hundred thousand in snapshots and state-transfer chunks.
  str(text: string): this {
    this.reserve(4 + text.length * 3);
    const { written } = utf8.encodeInto(text, this.buf.subarray(this.len + 4));
    this.view.setUint32(this.len, written);
    this.len += 4 + written;
    return this;
  }
  get length(): number { return this.doneBytes + this.len; }

  // Starts over, keeping the current buffer (a scratch writer for hashing).
  reset(): this {
    this.done = [];
    this.doneBytes = 0;
    this.len = 0;
    return this;
  }

  // The bytes written, without a copy when they fit one buffer; valid until
  // the next write or reset.
  bytesView(): Uint8Array {
    return this.done.length === 0 ? this.buf.subarray(0, this.len) : this.finish();
  }

  // The bytes written, in a fresh array with `spare` zero bytes after them.
  finish(spare = 0): Uint8Array {
    const out = new Uint8Array(this.length + spare);
    let at = 0;
    for (const chunk of this.done) { out.set(chunk, at); at += chunk.length; }
    out.set(this.buf.subarray(0, this.len), at);
    return out;
  }
}

export class ByteReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array, private readonly what: string) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) throw new Error(`${this.what}: truncated at byte ${this.pos} (need ${n} more)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  get offset(): number { return this.pos; }
  get remaining(): number { return this.buf.length - this.pos; }
  u8(): number { return this.buf[this.need(1)]; }
  u16(): number { return this.view.getUint16(this.need(2)); }
  u32(): number { return this.view.getUint32(this.need(4)); }
  u53(): number {
    const at = this.need(8);
    const hi = this.view.getUint32(at);
    if (hi >= 2 ** 21) throw new Error(`${this.what}: integer out of range at byte ${at}`);
    return hi * 2 ** 32 + this.view.getUint32(at + 4);
  }
  i53(): number {
    const sign = this.u8();
    if (sign > 1) throw new Error(`${this.what}: bad sign byte at ${this.pos - 1}`);
    const v = this.u53();
    return sign === 1 ? -v : v;
  }
  raw(n: number): Uint8Array { const at = this.need(n); return this.buf.slice(at, at + n); }
  // Like raw() without the copy: shares the reader's memory (for input the
  // caller owns outright, such as a received state-transfer chunk).
  rawView(n: number): Uint8Array { const at = this.need(n); return this.buf.subarray(at, at + n); }
  bytes(): Uint8Array { return this.raw(this.u32()); }
  str(): string {
    try {
      return utf8Strict.decode(this.bytes());
    } catch (err) {
      throw new Error(`${this.what}: invalid UTF-8 string before byte ${this.pos}`, { cause: err });
    }
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
