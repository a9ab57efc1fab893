// File trees of a given size and shape for the benchmarks that need a big
// state without a replica group (checkpoints on disk, state transfer):
//   small: files of 16 KiB, 256 per directory (partitions of ~4 MiB)
//   big:   4 files of size/4 each (all in partition 0: the worst case for a
//          store that works in whole partitions)
// Every 4 KiB block holds distinct bytes, so no two blocks hash alike.
import { FileTree, ROOT_HANDLE, type FileTreeOptions, type FsRequest, type FsResult, type Handle } from '../../src/fs/index.js';

export type TreeShape = 'small' | 'big';
export const SMALL_FILE_BYTES = 16 * 1024;
const FILES_PER_DIR = 256;
const WRITE_BYTES = 1024 * 1024;   // the tree's ioBytesMax
const MiB = 1024 * 1024;
const cred = { uid: 0, gid: 0, groups: [] };

let now = 1000;
export function applyOk(tree: FileTree, r: FsRequest): FsResult {
  const res = tree.apply(r, (now += 1));
  if (res.errno !== 0) throw new Error(`${r.op}: errno ${res.errno}`);
  return res;
}

function create(tree: FileTree, dir: Handle, name: string): Handle {
  const c = applyOk(tree, { cred, op: 'create', create: { dir, name, mode: 0o644, exclusive: true, truncate: false } });
  if (c.res !== 'create') throw new Error('create');
  return c.create.attr.fh;
}

/** Writes `bytes` of distinct content (every block differs) into `fh`. */
function fillFile(tree: FileTree, fh: Handle, bytes: number, seed: number, buf: Uint8Array): void {
  for (let off = 0; off < bytes; off += buf.length) {
    const n = Math.min(buf.length, bytes - off);
    const data = buf.subarray(0, n);
    data.fill(seed & 0xff);
    for (let b = 0; b < n; b += 4096) new DataView(data.buffer, data.byteOffset + b, 8).setFloat64(0, seed * 1e6 + off + b);
    applyOk(tree, { cred, op: 'write', write: { fh, offset: off, data, append: false } });
  }
}

export interface BenchTree { tree: FileTree; files: Handle[]; fileBytes: number }

export function buildTree(shape: TreeShape, mib: number, options: FileTreeOptions): BenchTree {
  const tree = new FileTree(options);
  const buf = new Uint8Array(WRITE_BYTES);
  const files: Handle[] = [];
  if (shape === 'big') {
    const fileBytes = (mib * MiB) / 4;
    for (let f = 0; f < 4; f++) {
      const fh = create(tree, ROOT_HANDLE, `big${f}`);
      fillFile(tree, fh, fileBytes, f + 1, buf);
      files.push(fh);
    }
    return { tree, files, fileBytes };
  }
  const count = (mib * MiB) / SMALL_FILE_BYTES;
  let dir: Handle = ROOT_HANDLE;
  for (let f = 0; f < count; f++) {
    if (f % FILES_PER_DIR === 0) {
      const d = applyOk(tree, { cred, op: 'mkdir', mkdir: { dir: ROOT_HANDLE, name: `d${f / FILES_PER_DIR}`, mode: 0o755 } });
      if (d.res !== 'create') throw new Error('mkdir');
      dir = d.create.attr.fh;
    }
    const fh = create(tree, dir, `f${f}`);
    fillFile(tree, fh, SMALL_FILE_BYTES, f + 1, buf);
    files.push(fh);
  }
  return { tree, files, fileBytes: SMALL_FILE_BYTES };
}

/** One 4 KiB write at a block boundary of file `k mod files` (new bytes from `seed`). */
export function write4k(t: BenchTree, k: number, seed: number): void {
  const fh = t.files[k % t.files.length];
  const blocks = t.fileBytes / 4096;
  const data = new Uint8Array(4096).fill(seed & 0xff);
  new DataView(data.buffer).setFloat64(0, seed * 7919 + k);
  applyOk(t.tree, { cred, op: 'write', write: { fh, offset: ((k * 7919) % blocks) * 4096, data, append: false } });
}
