// The FUSE adapter: fuse-native's path-based callbacks mapped onto BfsClient's
// handle-based operations. Every handler answers exactly once: 0 / a value / a
// byte count on success, -errno on failure (FsError's errno, EIO otherwise).
import type { Buffer } from 'node:buffer';
import { posix } from 'node:path';
import type { Logger } from 'pino';
import type { BfsClient, AttrChanges } from '../src/client/bfs-client.js';
import { FsError } from '../src/client/fs-error.js';
import type { Attr, Handle } from '../src/fs/types.js';
import type { FuseCallback, FuseOperations, FuseStat, FuseValueCallback } from './fuse-types.js';
import { PathCache } from './path-cache.js';
import { attrToStat, msTimespec, statfsToFuse } from './stat.js';
import { WriteBehind } from './write-behind.js';

const EIO = 5;
const EBADF = 9;
const ESTALE = 116;
const O_ACCMODE = 0o3;
const O_WRONLY = 0o1;
const O_TRUNC = 0o1000;
const O_APPEND = 0o2000;
/** chown's "leave unchanged" (-1 as the uint32 fuse-native hands us). */
const ID_UNCHANGED = 0xffffffff;
/**
 * libfuse 2 passes UTIME_NOW (and UTIME_OMIT) as tv_sec 0 with a marker in
 * tv_nsec; fuse-native converts to ms, so both arrive as this number. We read
 * it as "now": `touch` (both now) is common, a lone UTIME_OMIT is not.
 */
const UTIME_MARKER_MS = Math.floor(((1 << 30) - 1) / 1e6);

/** The group's first bytes of a file as of its open (see onOpen). */
interface Prefetch { data: Uint8Array; eof: boolean }

interface OpenFile { fh: Handle; flags: number; prefetch?: Prefetch }

/** Bytes read at open: the kernel's largest read, so a small file needs no other. */
const PREFETCH_BYTES = 128 * 1024;

export interface FuseAdapterOptions {
  cache: PathCache;
  log: Logger;
  /** Bytes a file may keep unsent (write-behind); 0 sends every write as it comes. */
  writeBehindBytes?: number;
  /** Kept bytes reach the group at the latest this long after they were written, even if the file stays open. */
  writeBehindMaxAgeMs?: number;
}

/** Largest write request: max_write, so a write the kernel hands over whole is sent as it is. */
export const WRITE_REQUEST_BYTES = 128 * 1024;
/** Enough for an object file or the Lua binary (290 KB) to go out at close as a few full-sized writes. */
export const DEFAULT_WRITE_BEHIND_BYTES = 1024 * 1024;
/** Like the attribute cache: another mount sees an open file's new bytes within about a second. */
export const DEFAULT_WRITE_BEHIND_MAX_AGE_MS = 1000;
/** Extents (separate runs) a file may keep: bounds the merge work per write. */
const WRITE_BEHIND_EXTENTS_MAX = 256;
/** Gaps filled with zeros past the known end of file (alignment between sections; a sparse file's holes are far bigger). */
const WRITE_BEHIND_GAP_FILL_BYTES = 4096;

type Reply = (code: number) => void;

export class FuseAdapter {
  private readonly files = new Map<number, OpenFile>();
  private nextFd = 1;
  private readonly cache: PathCache;
  private readonly log: Logger;
  /** Calls the kernel made, by FUSE op name: what kernel-side caching saves shows up here. */
  readonly fuseCalls = new Map<string, number>();

  private readonly writes: WriteBehind | undefined;

  constructor(private readonly client: BfsClient, options: FuseAdapterOptions) {
    this.cache = options.cache;
    this.log = options.log;
    const keptBytes = options.writeBehindBytes ?? DEFAULT_WRITE_BEHIND_BYTES;
    this.writes = keptBytes <= 0 ? undefined : new WriteBehind({
      maxWriteBytes: WRITE_REQUEST_BYTES,
      maxKeptBytes: keptBytes,
      maxExtents: WRITE_BEHIND_EXTENTS_MAX,
      gapFillBytes: WRITE_BEHIND_GAP_FILL_BYTES,
      maxAgeMs: options.writeBehindMaxAgeMs ?? DEFAULT_WRITE_BEHIND_MAX_AGE_MS,
      send: (fh, offset, data) => this.client.write(fh, offset, data),
      onSent: (res) => this.cache.putAttr(res.attr),
    });
  }

  /**
   * Send every buffered write and wait for the group (before unmounting);
   * failures nobody could be told about any more are logged.
   */
  async settleWrites(): Promise<void> {
    const errors = (await this.writes?.settleAll()) ?? [];
    for (const err of errors) this.log.error({ err }, 'a buffered write failed after its file was closed; its bytes are lost');
  }

  /** Number of files currently open through the mount. */
  get openFiles(): number {
    return this.files.size;
  }

  // ── plumbing ──

  /**
   * Run one handler body and map its outcome to a FUSE return code. A stale
   * handle (the file was replaced behind our cache) is retried once after
   * dropping the cache, so the retry looks every name up afresh. Not for
   * flush and fsync: their handle comes from the open file, and the failure
   * they report (a kept write's) is reported only once.
   */
  private run(op: string, path: string, body: () => Promise<number>, reply: Reply, retryStale = true): void {
    const attempt = (retry: boolean): void => {
      body().then(reply, (err: unknown) => {
        if (retry && err instanceof FsError && err.errno === ESTALE) {
          this.cache.clear();
          attempt(false);
          return;
        }
        reply(this.errorCode(op, path, err));
      });
    };
    attempt(retryStale);
  }

  private errorCode(op: string, path: string, err: unknown): number {
    if (err instanceof FsError) {
      this.log.debug({ op, path, code: err.code }, 'fuse op failed');
      return -err.errno;
    }
    this.log.warn({ op, path, err }, 'fuse op failed unexpectedly; answering EIO');
    return -EIO;
  }

  /** For handlers that return a value: reply(code) plus the value on success. */
  private runValue<T>(op: string, path: string, body: () => Promise<T>, cb: FuseValueCallback<T>): void {
    let value: T | undefined;
    this.run(op, path, async () => { value = await body(); return 0; }, (code) => {
      if (code === 0) cb(0, value); else cb(code);
    });
  }

  private async handleOf(path: string): Promise<Handle> {
    if (path === '/') return this.client.root;
    const cached = this.cache.handle(path);
    if (cached !== undefined) return cached;
    return (await this.lookupPath(path)).fh;
  }

  private async lookupPath(path: string): Promise<Attr> {
    const dir = await this.handleOf(posix.dirname(path));
    const attr = await this.client.lookup(dir, posix.basename(path));
    this.cache.put(path, attr);
    return attr;
  }

  private async attrOf(path: string): Promise<Attr> {
    const fh = await this.handleOf(path);
    return this.viewAttr(fh, async () => {
      const cached = this.cache.attr(fh);
      if (cached !== undefined) return cached;
      const attr = await this.client.getattr(fh);
      this.cache.putAttr(attr);
      return attr;
    });
  }

  /** The attributes `fetch` gets from the group, with this mount's kept writes in size and mtime. */
  private async viewAttr(fh: Handle, fetch: () => Promise<Attr>): Promise<Attr> {
    const writes = this.writes;
    if (writes === undefined) return fetch();
    for (;;) {
      await writes.sent(fh);
      const epoch = writes.epoch(fh);
      const attr = await fetch();
      if (writes.epoch(fh) === epoch) return writes.withKept(attr);
    }
  }

  private async parentOf(path: string): Promise<{ dir: Handle; name: string }> {
    return { dir: await this.handleOf(posix.dirname(path)), name: posix.basename(path) };
  }

  private fileOf(fd: number): OpenFile {
    const file = this.files.get(fd);
    if (file === undefined) throw new FsError(EBADF, `fd ${fd}`);
    return file;
  }

  private openFd(fh: Handle, flags: number, prefetch?: Prefetch): number {
    const fd = this.nextFd++;
    this.files.set(fd, { fh, flags, prefetch });
    return fd;
  }

  private isOpen(fh: Handle): boolean {
    for (const file of this.files.values()) if (file.fh.ino === fh.ino && file.fh.gen === fh.gen) return true;
    return false;
  }

  /** This mount changes the file: bytes read at an open are no longer what a read must return. */
  private dropPrefetch(fh: Handle): void {
    for (const file of this.files.values()) if (file.fh.ino === fh.ino) file.prefetch = undefined;
  }

  private async setattr(fh: Handle, changes: AttrChanges): Promise<number> {
    // Buffered bytes first: a truncate or an explicit mtime must not be undone by them.
    await this.writes?.settle(fh);
    this.dropPrefetch(fh);
    const attr = await this.client.setattr(fh, changes);
    this.cache.putAttr(attr);
    // Only for a file open here (O_TRUNC of one being rewritten): sawSize keeps it until release.
    if (changes.size !== undefined && this.isOpen(fh)) this.writes?.sawSize(attr);
    return 0;
  }

  // ── handlers ──

  ops(): FuseOperations {
    return this.counted(this.handlers());
  }

  /** `ops` with each call counted in fuseCalls (one Map increment per call). */
  private counted(ops: FuseOperations): FuseOperations {
    const out: Record<string, (...args: unknown[]) => void> = {};
    for (const [name, fn] of Object.entries(ops) as Array<[string, (...args: unknown[]) => void]>) {
      out[name] = (...args: unknown[]): void => {
        this.fuseCalls.set(name, (this.fuseCalls.get(name) ?? 0) + 1);
        fn(...args);
      };
    }
    return out as unknown as FuseOperations;
  }

  private handlers(): FuseOperations {
    return {
      init: (cb: FuseCallback) => cb(0),
      getattr: (path, cb) => this.onGetattr(path, cb),
      fgetattr: (path, fd, cb) => this.onFgetattr(path, fd, cb),
      access: (path, mode, cb) => this.run('access', path, async () => {
        const fh = await this.handleOf(path);
        if (mode !== 0) await this.client.access(fh, mode);
        return 0;
      }, cb),
      statfs: (path, cb) => this.runValue('statfs', path, async () => statfsToFuse(await this.client.statfs()), cb),
      readdir: (path, cb) => this.runValue('readdir', path, () => this.onReaddir(path), cb),
      opendir: (path, _flags, cb) => this.runValue('opendir', path, async () => { await this.handleOf(path); return 0; }, cb),
      releasedir: (_path, _fd, cb) => cb(0),
      open: (path, flags, cb) => this.runValue('open', path, () => this.onOpen(path, flags), cb),
      create: (path, mode, cb) => this.runValue('create', path, () => this.onCreate(path, mode), cb),
      release: (path, fd, cb) => this.run('release', path, () => this.onRelease(fd), cb, false),
      read: (path, fd, buf, len, pos, cb) => this.run('read', path, () => this.onRead(fd, buf, len, pos), cb),
      write: (path, fd, buf, len, pos, cb) => this.run('write', path, () => this.onWrite(fd, buf, len, pos), cb, false),
      // Every close: what this mount buffered reaches the group (close-to-open),
      // and a buffered write that failed fails the close, as with NFS.
      flush: (path, fd, cb) => this.run('flush', path, () => this.onFlush(fd), cb, false),
      fsync: (path, _datasync, fd, cb) => this.run('fsync', path, () => this.onFlush(fd), cb, false),
      fsyncdir: (_path, _datasync, _fd, cb) => cb(0),
      truncate: (path, size, cb) => this.run('truncate', path, async () => this.setattr(await this.handleOf(path), { size }), cb),
      ftruncate: (path, fd, size, cb) => this.run('ftruncate', path, async () => this.setattr(this.fileOf(fd).fh, { size }), cb),
      chmod: (path, mode, cb) => this.run('chmod', path, async () => this.setattr(await this.handleOf(path), { mode: mode & 0o7777 }), cb),
      chown: (path, uid, gid, cb) => this.run('chown', path, () => this.onChown(path, uid, gid), cb),
      utimens: (path, atime, mtime, cb) => this.run('utimens', path, () => this.onUtimens(path, atime, mtime), cb),
      readlink: (path, cb) => this.runValue('readlink', path, async () => this.client.readlink(await this.handleOf(path)), cb),
      symlink: (target, path, cb) => this.run('symlink', path, async () => {
        const { dir, name } = await this.parentOf(path);
        return this.created(path, await this.client.symlink(dir, name, target));
      }, cb),
      link: (existing, path, cb) => this.run('link', path, async () => {
        const fh = await this.handleOf(existing);
        const { dir, name } = await this.parentOf(path);
        return this.created(path, await this.client.link(fh, dir, name));
      }, cb),
      mkdir: (path, mode, cb) => this.run('mkdir', path, async () => {
        const { dir, name } = await this.parentOf(path);
        return this.created(path, await this.client.mkdir(dir, name, mode & 0o7777));
      }, cb),
      rmdir: (path, cb) => this.run('rmdir', path, async () => {
        const { dir, name } = await this.parentOf(path);
        return this.removed(path, (await this.client.rmdir(dir, name)).dirAttr);
      }, cb),
      unlink: (path, cb) => this.run('unlink', path, async () => {
        const { dir, name } = await this.parentOf(path);
        return this.removed(path, (await this.client.remove(dir, name)).dirAttr);
      }, cb),
      rename: (from, to, cb) => this.run('rename', from, () => this.onRename(from, to), cb),
    };
  }

  private onGetattr(path: string, cb: FuseValueCallback<FuseStat>): void {
    this.runValue('getattr', path, async () => attrToStat(await this.attrOf(path)), cb);
  }

  private onFgetattr(path: string, fd: number, cb: FuseValueCallback<FuseStat>): void {
    this.runValue('fgetattr', path, async () => {
      const file = this.files.get(fd);
      if (file === undefined) return attrToStat(await this.attrOf(path));
      return attrToStat(await this.viewAttr(file.fh, async () => {
        const attr = await this.client.getattr(file.fh);
        this.cache.putAttr(attr);
        return attr;
      }));
    }, cb);
  }

  /**
   * Close-to-open, as NFS: an open for reading sees the file as the group has
   * it now, not as this mount's attribute cache (up to a second old) has it;
   * the kernel bounds reads by the size it gets next. NFS asks for the
   * attributes at every open; we read the first 128 KiB instead, one request
   * all the same, which brings fresh attributes and, for most files, all the
   * bytes the reads that follow want (served from it, no further request).
   */
  private async onOpen(path: string, flags: number): Promise<number> {
    const fh = await this.handleOf(path);
    if ((flags & O_ACCMODE) === O_WRONLY || (flags & O_TRUNC) !== 0) return this.openFd(fh, flags);
    const { data, eof, attr } = await this.readView(fh, 0, PREFETCH_BYTES);
    this.cache.putAttr(attr);
    // With kept writes of this mount, readView laid them over: not the group's bytes, not kept.
    const prefetch = this.writes?.holds(fh) ? undefined : { data, eof: eof || data.length < PREFETCH_BYTES };
    return this.openFd(fh, flags, prefetch);
  }

  private async onReaddir(path: string): Promise<string[]> {
    const dir = await this.handleOf(path);
    const entries = await this.client.readdirAll(dir);
    const names = ['.', '..'];
    for (const entry of entries) {
      if (entry.name === '.' || entry.name === '..') continue;
      names.push(entry.name);
      // `ls -l` and `find` stat every name next: save them the lookups.
      this.cache.putHandle(posix.join(path, entry.name), entry.fh);
    }
    return names;
  }

  /**
   * fuse-native hands create() no open flags, so O_EXCL cannot be seen here.
   * The kernel looked the name up just before and handles O_EXCL against
   * that; a non-exclusive create then opens a file another client made
   * meanwhile instead of failing a plain O_CREAT.
   */
  private async onCreate(path: string, mode: number): Promise<number> {
    const { dir, name } = await this.parentOf(path);
    const res = await this.client.create(dir, name, mode & 0o7777, { exclusive: false, truncate: false });
    this.created(path, res);
    this.writes?.sawSize(res.attr);
    return this.openFd(res.attr.fh, 0);
  }

  private async onRead(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
    const file = this.fileOf(fd);
    const { fh, prefetch } = file;
    if (prefetch !== undefined && (pos + len <= prefetch.data.length || prefetch.eof)) {
      const part = prefetch.data.subarray(Math.min(pos, prefetch.data.length), Math.min(pos + len, prefetch.data.length));
      buf.set(part);
      return part.length;
    }
    const { data, attr } = await this.readView(fh, pos, len);
    this.cache.putAttr(attr);
    // fuse-native detaches `buf` once we answer: copy into it now.
    buf.set(data.subarray(0, len));
    return Math.min(data.length, len);
  }

  /** A read from the group with this mount's kept writes laid over it. */
  private async readView(fh: Handle, pos: number, len: number): Promise<{ data: Uint8Array; eof: boolean; attr: Attr }> {
    const writes = this.writes;
    if (writes === undefined) return this.client.read(fh, pos, len);
    for (;;) {
      await writes.sent(fh);
      const epoch = writes.epoch(fh);
      const { data, eof, attr } = await this.client.read(fh, pos, len);
      if (writes.epoch(fh) === epoch) return { data: writes.overlay(fh, pos, len, data, attr.size), eof, attr };
    }
  }

  private async onWrite(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
    const file = this.fileOf(fd);
    // Copy: `buf` is libfuse's memory and is detached once we answer.
    const data = Uint8Array.prototype.slice.call(buf, 0, len);
    this.dropPrefetch(file.fh);
    const append = (file.flags & O_APPEND) !== 0;
    if (this.writes !== undefined && !append) return this.writes.write(file.fh, pos, data);
    // O_APPEND: the replicas pick the offset at the end of file as they see
    // it, so each write goes at once, after what this mount buffered.
    await this.writes?.flush(file.fh);
    const res = await this.client.write(file.fh, pos, data, { append });
    this.cache.putAttr(res.attr);
    return res.count;
  }

  private async onFlush(fd: number): Promise<number> {
    const file = this.files.get(fd);
    if (file !== undefined) await this.writes?.flush(file.fh);
    return 0;
  }

  /**
   * The last close of an open file. Bytes written through a shared mapping
   * may arrive after the flush of close, so settle once more; a failure here
   * has nobody to go to (release's answer reaches no program), so log it.
   */
  private async onRelease(fd: number): Promise<number> {
    const file = this.files.get(fd);
    this.files.delete(fd);
    if (file === undefined || this.writes === undefined) return 0;
    try {
      await this.writes.flush(file.fh);
    } catch (err) {
      this.log.error({ err, ino: file.fh.ino }, 'a buffered write failed after its last close; its bytes are lost');
    }
    if (!this.isOpen(file.fh)) this.writes.forget(file.fh);
    return 0;
  }

  private async onChown(path: string, uid: number, gid: number): Promise<number> {
    const changes: AttrChanges = {};
    if (uid !== ID_UNCHANGED) changes.uid = uid;
    if (gid !== ID_UNCHANGED) changes.gid = gid;
    return this.setattr(await this.handleOf(path), changes);
  }

  private async onUtimens(path: string, atimeMs: number, mtimeMs: number): Promise<number> {
    const changes: AttrChanges = {};
    if (atimeMs === UTIME_MARKER_MS) changes.atimeNow = true; else changes.atime = msTimespec(atimeMs);
    if (mtimeMs === UTIME_MARKER_MS) changes.mtimeNow = true; else changes.mtime = msTimespec(mtimeMs);
    return this.setattr(await this.handleOf(path), changes);
  }

  private async onRename(from: string, to: string): Promise<number> {
    const src = await this.parentOf(from);
    const dst = await this.parentOf(to);
    const res = await this.client.rename(src.dir, src.name, dst.dir, dst.name);
    this.cache.forgetTree(from);
    this.cache.forgetTree(to);
    this.cache.putAttr(res.fromDirAttr);
    this.cache.putAttr(res.toDirAttr);
    return 0;
  }

  private created(path: string, res: { attr: Attr; dirAttr: Attr }): number {
    this.cache.put(path, res.attr);
    this.cache.putAttr(res.dirAttr);
    return 0;
  }

  private removed(path: string, dirAttr: Attr): number {
    this.cache.forget(path);
    this.cache.putAttr(dirAttr);
    return 0;
  }
}
