// Write-behind for the mount: small writes to a file are kept and sent to the
// group together, as an NFS client does. Programs write in small pieces and
// out of order (the assembler 64 B-8 KiB at scattered offsets, the linker
// ~280 writes for a 290 KB binary), and every piece sent is one ordered
// request the whole group agrees on. Kept bytes are merged into extents
// (runs of consecutive bytes, later bytes overwriting earlier ones) and each
// extent goes out as writes of at most `maxWriteBytes`.
//
// What stays as before:
// - This mount sees its own writes at once: reads of the file lay the kept
//   bytes over what the group returns, and its attributes show the size they
//   make and the time of the last write (as the kernel's own writeback cache
//   does). The assembler stats and reads back the object file it is writing,
//   so sending on every such look would undo most of the gain.
// - A setattr waits until the kept bytes are sent: a truncate or an explicit
//   mtime must not be undone by them.
// - Other mounts see the data no later than with NFS: at close (the FUSE flush
//   of every close sends what is kept), at fsync, once a file keeps
//   `maxKeptBytes`, and at the latest `maxAgeMs` after the first kept byte.
// - A write the group refuses (ENOSPC, EDQUOT, a file removed meanwhile) is
//   reported like NFS reports it: by the next write, fsync or close of the file.
// - Sends for one file go out one after another in the order they were made.
import type { Attr, Handle, Timespec, WriteRes } from '../src/fs/types.js';

export interface WriteBehindOptions {
  /** Largest write sent in one request; a write at least this big is not kept but sent at once. */
  maxWriteBytes: number;
  /** A file keeping more than this sends it all (bounds memory per file). */
  maxKeptBytes: number;
  /** A file keeping more separate extents than this sends them (bounds the work per write). */
  maxExtents: number;
  /** Kept bytes are sent at the latest this long after the first of them, even if the file stays open. */
  maxAgeMs: number;
  /**
   * Extents this close to each other go out as one write, the gap as zeros,
   * when the gap lies past the end of the file as this mount last saw it in a
   * reply to its own create, setattr or write (see `sawSize`): there the
   * group has a hole, which reads as zeros anyway. The assembler leaves a few
   * bytes of alignment between sections; without this, each object file took
   * 4-5 writes. 0: never.
   */
  gapFillBytes?: number;
  /** Send one write to the group. */
  send(fh: Handle, offset: number, data: Uint8Array): Promise<WriteRes>;
  /** Each write the group acknowledged (the adapter caches its attributes). */
  onSent(res: WriteRes): void;
}

/** Consecutive kept bytes at `offset`: `parts` one after another, `length` in all. */
interface Extent { offset: number; length: number; parts: Uint8Array[] }

/** One file (inode). */
interface FileState {
  /** The handle the kept bytes are for (a reused inode number has another gen). */
  fh: Handle;
  /** Sorted by offset; disjoint and not touching (touching ones are merged). */
  extents: Extent[];
  keptBytes: number;
  /** Changes whenever kept bytes start on their way (see `epoch`). */
  epoch: number;
  /** The file's size in the group's last reply to this mount's own create, setattr or write of it, if one came. */
  groupSize?: number;
  /** Wall-clock time of the last kept write: the file's mtime as this mount shows it until the group has the bytes. */
  lastWriteMs: number;
  /** Resolves when every send made so far has ended; never rejects. */
  queue: Promise<void>;
  /** Sends made and not yet ended. */
  sending: number;
  /** The first failure of a send nobody was waiting for; reported once. */
  error?: unknown;
  timer?: NodeJS.Timeout;
}

type SendOutcome = { res: WriteRes } | { err: unknown };

export class WriteBehind {
  private readonly files = new Map<number, FileState>();
  /** Source of FileState.epoch values: never reused, so a state dropped and made again differs too. */
  private epochs = 0;

  constructor(private readonly options: WriteBehindOptions) {}

  /** Files with bytes kept or being sent. */
  get pendingFiles(): number {
    let n = 0;
    for (const st of this.files.values()) if (st.extents.length > 0 || st.sending > 0) n++;
    return n;
  }

  /**
   * Write `data` (the caller's own copy) at `offset`. Returns the bytes
   * accepted. Rejects with an earlier kept write's failure, if one is pending.
   */
  async write(fh: Handle, offset: number, data: Uint8Array): Promise<number> {
    const st = this.state(fh);
    this.throwPending(st);
    if (st.fh.gen !== fh.gen) {
      this.sendKept(st);
      st.fh = fh;
    }
    if (data.length >= this.options.maxWriteBytes) {
      // Nothing to gain from keeping a full-sized write: send it after what is
      // kept and report its own outcome (count included) to the writer.
      this.sendKept(st);
      const outcome = await this.enqueue(st, fh, offset, data, false);
      if ('err' in outcome) throw outcome.err;
      return outcome.res.count;
    }
    if (st.extents.length === 0 && st.timer === undefined) {
      st.timer = setTimeout(() => {
        st.timer = undefined;
        this.sendKept(st);
      }, this.options.maxAgeMs).unref();
    }
    keep(st, offset, data);
    st.lastWriteMs = Date.now();
    if (st.keptBytes > this.options.maxKeptBytes || st.extents.length > this.options.maxExtents) {
      this.sendKept(st);
      // Back-pressure: a writer faster than the group waits here, not in memory.
      await st.queue;
    }
    return data.length;
  }

  /**
   * Send what is kept for `fh`'s file and wait until every send so far has
   * ended. A failure stays pending for the next write, flush or close: the
   * caller (a read, a getattr) is not the one to report it.
   */
  async settle(fh: Handle): Promise<void> {
    const st = this.files.get(fh.ino);
    if (st === undefined) return;
    this.sendKept(st);
    await st.queue;
    this.dropIfIdle(st);
  }

  /**
   * Wait until the file's sends so far have ended, without sending what is
   * kept: then a read from the group plus `overlay` is this mount's view.
   */
  async sent(fh: Handle): Promise<void> {
    const st = this.files.get(fh.ino);
    if (st !== undefined && st.sending > 0) await st.queue;
  }

  /** Whether bytes of `fh`'s file are kept or on their way. */
  holds(fh: Handle): boolean {
    const st = this.files.get(fh.ino);
    return st !== undefined && (st.extents.length > 0 || st.sending > 0);
  }

  /**
   * Changes whenever kept bytes of the file leave the buffer for the group. A
   * read or getattr that saw it change while waiting for the group may have
   * missed bytes that were neither kept any more nor there yet: ask again.
   */
  epoch(fh: Handle): number {
    return this.files.get(fh.ino)?.epoch ?? 0;
  }

  /** `attr` (from the group, after `sent`) as this mount sees it: size and times include the kept bytes. */
  withKept(attr: Attr): Attr {
    const st = this.files.get(attr.fh.ino);
    if (st === undefined || st.extents.length === 0 || st.fh.gen !== attr.fh.gen) return attr;
    const last = st.extents[st.extents.length - 1];
    const size = Math.max(attr.size, last.offset + last.length);
    const time = laterTime(attr.mtime, st.lastWriteMs);
    // Blocks as if every kept byte were new: exact for a file being written afresh.
    const blocks = Math.min(attr.blocks + Math.ceil(st.keptBytes / 512), Math.ceil(size / 512));
    return { ...attr, size, blocks: Math.max(blocks, attr.blocks), mtime: time, ctime: laterTime(attr.ctime, st.lastWriteMs) };
  }

  /**
   * What a read of `count` bytes at `offset` returns on this mount, given what
   * the group returned (`data`, of a file `size` bytes long there, read after
   * `sent`): the kept bytes laid over it, zeros in holes they open.
   */
  overlay(fh: Handle, offset: number, count: number, data: Uint8Array, size: number): Uint8Array {
    const st = this.files.get(fh.ino);
    if (st === undefined || st.extents.length === 0 || st.fh.gen !== fh.gen) return data;
    const last = st.extents[st.extents.length - 1];
    const end = Math.min(offset + count, Math.max(size, last.offset + last.length));
    if (end <= offset) return data.subarray(0, 0);
    let out = data;
    for (const extent of st.extents) {
      const from = Math.max(offset, extent.offset);
      const to = Math.min(end, extent.offset + extent.length);
      if (from >= to) continue;
      if (out === data) {
        out = new Uint8Array(end - offset);
        out.set(data.subarray(0, end - offset));
      }
      out.set(flatten(extent).subarray(from - extent.offset, to - extent.offset), from - offset);
    }
    if (out === data && data.length < end - offset) {
      // No kept bytes in range, but kept bytes further on make the file longer: zeros up to them.
      out = new Uint8Array(end - offset);
      out.set(data);
    }
    return out;
  }

  /** settle, then report (and forget) a pending failure: for close and fsync. */
  async flush(fh: Handle): Promise<void> {
    await this.settle(fh);
    const st = this.files.get(fh.ino);
    if (st !== undefined) {
      this.throwPending(st);
      this.dropIfIdle(st);
    }
  }

  /** Settle every file (before unmounting); resolves with the failures nobody was told about. */
  async settleAll(): Promise<unknown[]> {
    const states = [...this.files.values()];
    for (const st of states) this.sendKept(st);
    await Promise.all(states.map((st) => st.queue));
    const errors = states.flatMap((st) => (st.error !== undefined ? [st.error] : []));
    for (const st of states) {
      st.error = undefined;
      this.dropIfIdle(st);
    }
    return errors;
  }

  private state(fh: Handle): FileState {
    let st = this.files.get(fh.ino);
    if (st === undefined) {
      st = { fh, extents: [], keptBytes: 0, epoch: ++this.epochs, lastWriteMs: 0, queue: Promise.resolve(), sending: 0 };
      this.files.set(fh.ino, st);
    }
    return st;
  }

  /**
   * The group's reply to this mount's own create or setattr of the file says
   * it is `attr.size` bytes long (see gapFillBytes). Only for a file that is
   * open here: forgotten when it is released.
   */
  sawSize(attr: Attr): void {
    const st = this.state(attr.fh);
    if (st.fh.gen === attr.fh.gen) st.groupSize = attr.size;
  }

  /** The file's last descriptor on this mount closed: forget its size if nothing is left to send. */
  forget(fh: Handle): void {
    const st = this.files.get(fh.ino);
    if (st === undefined) return;
    st.groupSize = undefined;
    this.dropIfIdle(st);
  }

  private dropIfIdle(st: FileState): void {
    if (st.extents.length === 0 && st.sending === 0 && st.error === undefined && st.groupSize === undefined && this.files.get(st.fh.ino) === st) {
      this.files.delete(st.fh.ino);
    }
  }

  private throwPending(st: FileState): void {
    if (st.error === undefined) return;
    const err = st.error;
    st.error = undefined;
    throw err;
  }

  /** Queue every kept extent as writes of at most maxWriteBytes; the file keeps nothing after. */
  private sendKept(st: FileState): void {
    if (st.timer !== undefined) {
      clearTimeout(st.timer);
      st.timer = undefined;
    }
    const extents = st.extents;
    if (extents.length > 0) st.epoch = ++this.epochs;
    st.extents = [];
    st.keptBytes = 0;
    for (const extent of this.fillGaps(st, extents)) {
      const data = flatten(extent);
      for (let at = 0; at < data.length; at += this.options.maxWriteBytes) {
        void this.enqueue(st, st.fh, extent.offset + at, data.subarray(at, at + this.options.maxWriteBytes), true);
      }
    }
  }

  /** Merge extents whose gap is small and past the group's known end of file (the gap becomes zeros). */
  private fillGaps(st: FileState, extents: Extent[]): Extent[] {
    const gapMax = this.options.gapFillBytes ?? 0;
    const known = st.groupSize;
    if (gapMax <= 0 || known === undefined || extents.length < 2) return extents;
    const out: Extent[] = [extents[0]];
    for (const next of extents.slice(1)) {
      const prev = out[out.length - 1];
      const gapStart = prev.offset + prev.length;
      const gap = next.offset - gapStart;
      if (gap > gapMax || gapStart < known) {
        out.push(next);
        continue;
      }
      const merged: Extent = { offset: prev.offset, length: prev.length + gap + next.length, parts: [...prev.parts, new Uint8Array(gap), ...next.parts] };
      out[out.length - 1] = merged;
    }
    return out;
  }

  /**
   * Send one write after the file's earlier sends; never rejects.
   * `keepFailure`: nobody waits for this outcome, so a failure is kept for the
   * next write, flush or close.
   */
  private enqueue(st: FileState, fh: Handle, offset: number, data: Uint8Array, keepFailure: boolean): Promise<SendOutcome> {
    st.sending++;
    // Once this lands the file is at least this long: no gap below it may be
    // filled, or zeros would overwrite what this very send wrote. (Only ever
    // raised while sends are out: a wrong guess upwards just fills less.)
    if (st.groupSize !== undefined && st.fh.gen === fh.gen) st.groupSize = Math.max(st.groupSize, offset + data.length);
    const outcome = st.queue.then(() => this.options.send(fh, offset, data)).then(
      (res): SendOutcome => {
        if (st.groupSize !== undefined && st.fh.gen === fh.gen) st.groupSize = Math.max(st.groupSize, res.attr.size);
        this.options.onSent(res);
        return { res };
      },
      (err: unknown): SendOutcome => {
        if (keepFailure) st.error ??= err;
        return { err };
      },
    );
    st.queue = outcome.then(() => {
      st.sending--;
    });
    return outcome;
  }
}

/** Add `data` at `offset` to the file's extents, merging with those it overlaps or touches. */
function keep(st: FileState, offset: number, data: Uint8Array): void {
  const ex = st.extents;
  const end = offset + data.length;
  let i = 0;
  while (i < ex.length && ex[i].offset + ex[i].length < offset) i++;
  let j = i;
  while (j < ex.length && ex[j].offset <= end) j++;
  if (i === j) {
    ex.splice(i, 0, { offset, length: data.length, parts: [data] });
    st.keptBytes += data.length;
    return;
  }
  const first = ex[i];
  if (j === i + 1 && offset === first.offset + first.length) {
    // The common case, a writer going forward: no copy.
    first.parts.push(data);
    first.length += data.length;
    st.keptBytes += data.length;
    return;
  }
  const last = ex[j - 1];
  const start = Math.min(offset, first.offset);
  const stop = Math.max(end, last.offset + last.length);
  const merged = new Uint8Array(stop - start);
  for (let k = i; k < j; k++) {
    merged.set(flatten(ex[k]), ex[k].offset - start);
    st.keptBytes -= ex[k].length;
  }
  // Last: the newest bytes win where they overlap kept ones.
  merged.set(data, offset - start);
  st.keptBytes += merged.length;
  ex.splice(i, j - i, { offset: start, length: merged.length, parts: [merged] });
}

function laterTime(ts: Timespec, ms: number): Timespec {
  if (ts.sec * 1000 + ts.nsec / 1e6 >= ms) return ts;
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1e6 };
}

function flatten(extent: Extent): Uint8Array {
  if (extent.parts.length === 1) return extent.parts[0];
  const out = new Uint8Array(extent.length);
  let at = 0;
  for (const part of extent.parts) {
    out.set(part, at);
    at += part.length;
  }
  extent.parts = [out];
  return out;
}
