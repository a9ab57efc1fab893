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

const EIO = 5;
const EBADF = 9;
const ESTALE = 116;
const O_APPEND = 0o2000;
/** chown's "leave unchanged" (-1 as the uint32 fuse-native hands us). */
const ID_UNCHANGED = 0xffffffff;
/**
 * libfuse 2 passes UTIME_NOW (and UTIME_OMIT) as tv_sec 0 with a marker in
 * tv_nsec; fuse-native converts to ms, so both arrive as this number. We read
 * it as "now": `touch` (both now) is common, a lone UTIME_OMIT is not.
 */
const UTIME_MARKER_MS = Math.floor(((1 << 30) - 1) / 1e6);

interface OpenFile { fh: Handle; flags: number }

export interface FuseAdapterOptions {
  cache: PathCache;
  log: Logger;
}

type Reply = (code: number) => void;

export class FuseAdapter {
  private readonly files = new Map<number, OpenFile>();
  private nextFd = 1;
  private readonly cache: PathCache;
  private readonly log: Logger;

  constructor(private readonly client: BfsClient, options: FuseAdapterOptions) {
    this.cache = options.cache;
    this.log = options.log;
  }

  /** Number of files currently open through the mount. */
  get openFiles(): number {
    return this.files.size;
  }

  // ── plumbing ──

  /**
   * Run one handler body and map its outcome to a FUSE return code. A stale
   * handle (the file was replaced behind our cache) is retried once after
   * dropping the cache, so the retry looks every name up afresh.
   */
  private run(op: string, path: string, body: () => Promise<number>, reply: Reply): void {
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
    attempt(true);
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
    const cached = this.cache.attr(fh);
    if (cached !== undefined) return cached;
    const attr = await this.client.getattr(fh);
    this.cache.putAttr(attr);
    return attr;
  }

  private async parentOf(path: string): Promise<{ dir: Handle; name: string }> {
    return { dir: await this.handleOf(posix.dirname(path)), name: posix.basename(path) };
  }

  private fileOf(fd: number): OpenFile {
    const file = this.files.get(fd);
    if (file === undefined) throw new FsError(EBADF, `fd ${fd}`);
    return file;
  }

  private openFd(fh: Handle, flags: number): number {
    const fd = this.nextFd++;
    this.files.set(fd, { fh, flags });
    return fd;
  }

  private async setattr(fh: Handle, changes: AttrChanges): Promise<number> {
    this.cache.putAttr(await this.client.setattr(fh, changes));
    return 0;
  }

  // ── handlers ──

  ops(): FuseOperations {
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
      open: (path, flags, cb) => this.runValue('open', path, async () => this.openFd(await this.handleOf(path), flags), cb),
      create: (path, mode, cb) => this.runValue('create', path, () => this.onCreate(path, mode), cb),
      release: (_path, fd, cb) => { this.files.delete(fd); cb(0); },
      read: (path, fd, buf, len, pos, cb) => this.run('read', path, () => this.onRead(fd, buf, len, pos), cb),
      write: (path, fd, buf, len, pos, cb) => this.run('write', path, () => this.onWrite(fd, buf, len, pos), cb),
      // Every write is already replicated when it returns: nothing to flush.
      flush: (_path, _fd, cb) => cb(0),
      fsync: (_path, _datasync, _fd, cb) => cb(0),
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
      const attr = await this.client.getattr(file.fh);
      this.cache.putAttr(attr);
      return attrToStat(attr);
    }, cb);
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
    return this.openFd(res.attr.fh, 0);
  }

  private async onRead(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
    const { data, attr } = await this.client.read(this.fileOf(fd).fh, pos, len);
    this.cache.putAttr(attr);
    // fuse-native detaches `buf` once we answer: copy into it now.
    buf.set(data.subarray(0, len));
    return Math.min(data.length, len);
  }

  private async onWrite(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
    const file = this.fileOf(fd);
    // Copy: `buf` is libfuse's memory and is detached once we answer.
    const data = Uint8Array.prototype.slice.call(buf, 0, len);
    const res = await this.client.write(file.fh, pos, data, { append: (file.flags & O_APPEND) !== 0 });
    this.cache.putAttr(res.attr);
    return res.count;
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
