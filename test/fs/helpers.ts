// Shared helpers for the fs tests: a SHA-256 tree factory, credentials, and
// request builders that fill in every field like the codec would.
import { hash as oneShotHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { FileTree, type FsLimits } from '../../src/fs/index.js';
import type { Attr, Credentials, FsRequest, FsResult, Handle, SetAttrArgs } from '../../src/fs/types.js';

export const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(oneShotHash('sha256', data, 'buffer'));

export function newTree(limits?: Partial<FsLimits>): FileTree {
  return new FileTree({ hash: sha256, limits });
}

export const ROOT: Credentials = { uid: 0, gid: 0, groups: [] };
export const ALICE: Credentials = { uid: 1000, gid: 1000, groups: [1000, 1002] };
export const BOB: Credentials = { uid: 1001, gid: 1001, groups: [1001, 1002] };

export const req = {
  getattr: (cred: Credentials, fh: Handle): FsRequest => ({ cred, op: 'getattr', getattr: { fh } }),
  setattr: (cred: Credentials, fh: Handle, a: Partial<SetAttrArgs>): FsRequest =>
    ({ cred, op: 'setattr', setattr: { fh, atimeNow: false, mtimeNow: false, ...a } }),
  lookup: (cred: Credentials, dir: Handle, name: string): FsRequest => ({ cred, op: 'lookup', lookup: { dir, name } }),
  access: (cred: Credentials, fh: Handle, mask: number): FsRequest => ({ cred, op: 'access', access: { fh, mask } }),
  readdir: (cred: Credentials, dir: Handle, cookie = 0, count = 0): FsRequest => ({ cred, op: 'readdir', readdir: { dir, cookie, count } }),
  read: (cred: Credentials, fh: Handle, offset: number, count: number): FsRequest => ({ cred, op: 'read', read: { fh, offset, count } }),
  write: (cred: Credentials, fh: Handle, offset: number, data: Uint8Array, append = false): FsRequest =>
    ({ cred, op: 'write', write: { fh, offset, data, append } }),
  create: (cred: Credentials, dir: Handle, name: string, mode = 0o644, exclusive = false, truncate = false): FsRequest =>
    ({ cred, op: 'create', create: { dir, name, mode, exclusive, truncate } }),
  mkdir: (cred: Credentials, dir: Handle, name: string, mode = 0o755): FsRequest => ({ cred, op: 'mkdir', mkdir: { dir, name, mode } }),
  symlink: (cred: Credentials, dir: Handle, name: string, target: string): FsRequest => ({ cred, op: 'symlink', symlink: { dir, name, target } }),
  readlink: (cred: Credentials, fh: Handle): FsRequest => ({ cred, op: 'readlink', readlink: { fh } }),
  link: (cred: Credentials, fh: Handle, dir: Handle, name: string): FsRequest => ({ cred, op: 'link', link: { fh, dir, name } }),
  remove: (cred: Credentials, dir: Handle, name: string): FsRequest => ({ cred, op: 'remove', remove: { dir, name } }),
  rmdir: (cred: Credentials, dir: Handle, name: string): FsRequest => ({ cred, op: 'rmdir', rmdir: { dir, name } }),
  rename: (cred: Credentials, fromDir: Handle, fromName: string, toDir: Handle, toName: string): FsRequest =>
    ({ cred, op: 'rename', rename: { fromDir, fromName, toDir, toName } }),
  statfs: (cred: Credentials): FsRequest => ({ cred, op: 'statfs', statfs: {} }),
};

// Applies and asserts success; returns the result for further checks.
export function ok(tree: FileTree, r: FsRequest, timeMs = 1_000): FsResult {
  const res = tree.apply(r, timeMs);
  assert.equal(res.errno, 0, `${r.op} failed with errno ${res.errno}`);
  return res;
}

export function errnoOf(tree: FileTree, r: FsRequest, timeMs = 1_000): number {
  return tree.apply(r, timeMs).errno;
}

// The attr of a successful result that carries one (create-like, lookup, getattr...).
export function attrOf(res: FsResult): Attr {
  switch (res.res) {
    case 'create': return res.create.attr;
    case 'lookup': return res.lookup.attr;
    case 'attr': return res.attr.attr;
    case 'write': return res.write.attr;
    case 'read': return res.read.attr;
    default: throw new Error(`result ${res.res ?? 'error ' + res.errno} carries no attr`);
  }
}

export function fhOf(res: FsResult): Handle {
  return attrOf(res).fh;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// The same seeded PRNG the core uses: the same seed gives the same sequence.
export { mulberry32 } from '../../src/pbft/prng.js';

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

// A random workload driven straight at a FileTree: handles come from earlier
// results (some of them stale by now), names from a small set so they collide.
export class RandomWorkload {
  readonly handles: Handle[] = [{ ino: 1, gen: 1 }];
  time = 1_000;
  constructor(readonly tree: FileTree, readonly rand: () => number) {}

  step(): FsResult {
    const r = this.request();
    const res = this.tree.apply(r, (this.time += 7));
    if (res.errno === 0 && (res.res === 'create' || res.res === 'lookup')) this.handles.push(fhOf(res));
    return res;
  }

  request(): FsRequest {
    const { rand } = this;
    const cred = pick(rand, [ROOT, ROOT, ALICE, BOB]);
    const fh = pick(rand, this.handles);
    const dir = pick(rand, this.handles);
    const name = pick(rand, ['a', 'b', 'c', 'd', 'long-name-' + Math.floor(rand() * 4)]);
    const data = new Uint8Array(pick(rand, [1, 10, 4096, 5000, 20000])).fill(Math.floor(rand() * 256));
    const ops: (() => FsRequest)[] = [
      () => req.create(cred, dir, name, pick(rand, [0o644, 0o666, 0o4755, 0o600]), rand() < 0.3, rand() < 0.3),
      () => req.mkdir(cred, dir, name, pick(rand, [0o755, 0o777, 0o1777, 0o2775])),
      () => req.symlink(cred, dir, name, pick(rand, ['a', 'b/c', '../x'])),
      () => req.link(cred, fh, dir, name),
      () => req.remove(cred, dir, name),
      () => req.rmdir(cred, dir, name),
      () => req.rename(cred, dir, name, pick(rand, this.handles), pick(rand, ['a', 'b', 'c'])),
      () => req.write(cred, fh, pick(rand, [0, 100, 4096, 9000, 50000]), data, rand() < 0.2),
      () => req.write(cred, fh, pick(rand, [0, 100, 4096, 9000, 50000]), data, rand() < 0.2),
      () => req.setattr(cred, fh, { size: pick(rand, [0, 10, 4096, 7000, 100000]) }),
      () => req.setattr(cred, fh, { mode: pick(rand, [0o644, 0o755, 0o2755, 0o1777]) }),
      () => req.setattr(cred, fh, { uid: pick(rand, [0, 1000, 1001]), gid: pick(rand, [0, 1000, 1002]) }),
      () => req.setattr(cred, fh, { mtime: { sec: Math.floor(rand() * 1e9), nsec: 5 }, atimeNow: true }),
      () => req.lookup(cred, dir, name),
      () => req.read(cred, fh, 0, 10000),
    ];
    return pick(rand, ops)();
  }
}
