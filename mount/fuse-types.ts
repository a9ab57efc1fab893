// The slice of fuse-native's API that the adapter uses (the package ships no
// types). Callbacks take a return code first: 0 or a byte count on success,
// a negative errno on failure.
import type { Buffer } from 'node:buffer';

export type FuseCallback = (code: number) => void;
export type FuseValueCallback<T> = (code: number, value?: T) => void;

/** What fuse-native turns into struct stat; times in ms since the epoch. */
export interface FuseStat {
  mode: number; uid: number; gid: number; size: number; nlink: number; ino: number;
  blksize: number; blocks: number; atime: number; mtime: number; ctime: number; dev: number; rdev: number;
}

export interface FuseStatfs {
  bsize: number; frsize: number; blocks: number; bfree: number; bavail: number;
  files: number; ffree: number; favail: number; fsid: number; flag: number; namemax: number;
}

export interface FuseOperations {
  init(cb: FuseCallback): void;
  getattr(path: string, cb: FuseValueCallback<FuseStat>): void;
  fgetattr(path: string, fd: number, cb: FuseValueCallback<FuseStat>): void;
  access(path: string, mode: number, cb: FuseCallback): void;
  statfs(path: string, cb: FuseValueCallback<FuseStatfs>): void;
  readdir(path: string, cb: (code: number, names?: string[]) => void): void;
  opendir(path: string, flags: number, cb: FuseValueCallback<number>): void;
  releasedir(path: string, fd: number, cb: FuseCallback): void;
  open(path: string, flags: number, cb: FuseValueCallback<number>): void;
  create(path: string, mode: number, cb: FuseValueCallback<number>): void;
  release(path: string, fd: number, cb: FuseCallback): void;
  read(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: FuseCallback): void;
  write(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: FuseCallback): void;
  flush(path: string, fd: number, cb: FuseCallback): void;
  fsync(path: string, datasync: number, fd: number, cb: FuseCallback): void;
  fsyncdir(path: string, datasync: number, fd: number, cb: FuseCallback): void;
  truncate(path: string, size: number, cb: FuseCallback): void;
  ftruncate(path: string, fd: number, size: number, cb: FuseCallback): void;
  chmod(path: string, mode: number, cb: FuseCallback): void;
  chown(path: string, uid: number, gid: number, cb: FuseCallback): void;
  utimens(path: string, atime: number, mtime: number, cb: FuseCallback): void;
  readlink(path: string, cb: FuseValueCallback<string>): void;
  symlink(target: string, path: string, cb: FuseCallback): void;
  link(existing: string, path: string, cb: FuseCallback): void;
  mkdir(path: string, mode: number, cb: FuseCallback): void;
  rmdir(path: string, cb: FuseCallback): void;
  unlink(path: string, cb: FuseCallback): void;
  rename(from: string, to: string, cb: FuseCallback): void;
}

/** fuse-native's constructor options (the subset we set). */
export interface FuseNativeOptions {
  /** Per-operation timeout in ms; an operation still running then fails with ETIMEDOUT. */
  timeout: number;
  fsname?: string;
  debug?: boolean;
  mkdir?: boolean;
}

export interface FuseInstance {
  mount(cb: (err: Error | null) => void): void;
  unmount(cb: (err: Error | null) => void): void;
}

export interface FuseConstructor {
  new (mountpoint: string, ops: FuseOperations, options: FuseNativeOptions): FuseInstance;
  unmount(mountpoint: string, cb: (err: Error | null) => void): void;
}
