// A small deterministic binary encoding for the simulator's fake auth and KV
// machine: tagged values, object keys sorted, so equal values give equal
// bytes. Decoding never throws on bad input; it returns undefined.

export type SimValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | SimValue[]
  | { [key: string]: SimValue };

const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_NUMBER = 3;
const TAG_STRING = 4;
const TAG_BYTES = 5;
const TAG_ARRAY = 6;
const TAG_OBJECT = 7;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v);
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.u32(bytes.length);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function write(w: Writer, v: unknown): void {
  if (v === null || v === undefined) w.u8(TAG_NULL);
  else if (v === false) w.u8(TAG_FALSE);
  else if (v === true) w.u8(TAG_TRUE);
  else if (typeof v === 'number') {
    w.u8(TAG_NUMBER);
    w.f64(v);
  } else if (typeof v === 'string') {
    w.u8(TAG_STRING);
    w.raw(utf8.encode(v));
  } else if (v instanceof Uint8Array) {
    w.u8(TAG_BYTES);
    w.raw(v);
  } else if (Array.isArray(v)) {
    w.u8(TAG_ARRAY);
    w.u32(v.length);
    for (const item of v) write(w, item);
  } else if (typeof v === 'object') {
    // undefined-valued keys are skipped so optional fields encode as absent.
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    w.u8(TAG_OBJECT);
    w.u32(keys.length);
    for (const k of keys) {
      w.raw(utf8.encode(k));
      write(w, record[k]);
    }
  } else {
    throw new Error(`sim-codec: cannot encode ${typeof v}`);
  }
}

/** Encode any plain value made of the SimValue shapes (interfaces welcome). */
export function encodeValue(v: unknown): Uint8Array {
  const w = new Writer();
  write(w, v);
  return w.result();
}

class Malformed extends Error {}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos === this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Malformed('truncated');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  raw(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

const DEPTH_MAX = 32;

function read(r: Reader, depth: number): SimValue {
  if (depth > DEPTH_MAX) throw new Malformed('too deep');
  const tag = r.u8();
  switch (tag) {
    case TAG_NULL: return null;
    case TAG_FALSE: return false;
    case TAG_TRUE: return true;
    case TAG_NUMBER: return r.f64();
    case TAG_STRING: return utf8Strict.decode(r.raw());
    case TAG_BYTES: return r.raw();
    case TAG_ARRAY: {
      const n = r.u32();
      const out: SimValue[] = [];
      for (let i = 0; i < n; i++) out.push(read(r, depth + 1));
      return out;
    }
    case TAG_OBJECT: {
      const n = r.u32();
      const out: { [key: string]: SimValue } = {};
      for (let i = 0; i < n; i++) {
        const key = utf8Strict.decode(r.raw());
        if (key === '__proto__') throw new Malformed('bad key');
        out[key] = read(r, depth + 1);
      }
      return out;
    }
    default: throw new Malformed(`tag ${tag}`);
  }
}

/** Decode bytes made by encodeValue; undefined if malformed or trailing bytes. */
export function decodeValue(bytes: Uint8Array): SimValue | undefined {
  try {
    const r = new Reader(bytes);
    const v = read(r, 0);
    return r.done ? v : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(v: SimValue | undefined): v is { [key: string]: SimValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array, max = bytes.length): string {
  let s = '';
  for (let i = 0; i < Math.min(max, bytes.length); i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}
