// fuse-native speaks paths, the file service speaks handles. This cache maps
// path -> handle and inode -> attributes, both with short lifetimes so changes
// made by other clients show up soon; the mount's own changes update it at
// once. Attributes are keyed by inode, not path, so hard links stay coherent.
import { LRUCache } from 'lru-cache';
import type { Attr, Handle } from '../src/fs/types.js';

export interface PathCacheOptions {
  /** How long a name -> handle binding is trusted. */
  entryTtlMs: number;
  /** How long attributes (size, times, mode) are trusted. */
  attrTtlMs: number;
  /** Bound on cached paths and on cached inodes. */
  entriesMax: number;
}

export const DEFAULT_PATH_CACHE_OPTIONS: PathCacheOptions = { entryTtlMs: 2000, attrTtlMs: 1000, entriesMax: 20000 };

export class PathCache {
  private readonly handles: LRUCache<string, Handle>;
  private readonly attrs: LRUCache<number, Attr>;

  constructor(options: PathCacheOptions = DEFAULT_PATH_CACHE_OPTIONS) {
    this.handles = new LRUCache({ max: options.entriesMax, ttl: options.entryTtlMs });
    this.attrs = new LRUCache({ max: options.entriesMax, ttl: options.attrTtlMs });
  }

  handle(path: string): Handle | undefined {
    return this.handles.get(path);
  }

  attr(fh: Handle): Attr | undefined {
    const attr = this.attrs.get(fh.ino);
    return attr !== undefined && attr.fh.gen === fh.gen ? attr : undefined;
  }

  /** Remember that `path` names the file with these attributes. */
  put(path: string, attr: Attr): void {
    this.handles.set(path, attr.fh);
    this.attrs.set(attr.fh.ino, attr);
  }

  putHandle(path: string, fh: Handle): void {
    this.handles.set(path, fh);
  }

  putAttr(attr: Attr): void {
    this.attrs.set(attr.fh.ino, attr);
  }

  forgetAttr(fh: Handle): void {
    this.attrs.delete(fh.ino);
  }

  /** Drop `path` and its attributes (its nlink or ctime changed). */
  forget(path: string): void {
    const fh = this.handles.get(path);
    this.handles.delete(path);
    if (fh !== undefined) this.attrs.delete(fh.ino);
  }

  /** Drop `path` and every path below it (a directory moved): O(cached paths), so only for renames. */
  forgetTree(path: string): void {
    this.forget(path);
    const prefix = path === '/' ? '/' : path + '/';
    for (const key of [...this.handles.keys()]) {
      if (key.startsWith(prefix)) this.handles.delete(key);
    }
  }

  clear(): void {
    this.handles.clear();
    this.attrs.clear();
  }
}
