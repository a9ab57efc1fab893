// The Andrew source tree: Debian's lua5.4 upstream tarball, shipped in
// bench/data so the benchmark and the demo never touch the network. Its sha256
// is the one in Debian's .dsc for lua5.4 5.4.4-3+deb12u1 (bookworm).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, lstat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join, relative } from 'node:path';

const execFileAsync = promisify(execFile);

export const LUA_TARBALL = {
  file: 'lua5.4_5.4.4.orig.tar.gz',
  sha256: '164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61',
  topDir: 'lua-5.4.4',
  debianVersion: '5.4.4-3+deb12u1',
} as const;

import { BENCH_DIR } from '../lib/paths.js';
export const TARBALL_PATH = join(BENCH_DIR, 'data', LUA_TARBALL.file);

export interface SourceFile { path: string; size: number; mode: number }
/** A scanned tree: paths relative to `root`, dirs sorted so parents come first. */
export interface SourceTree { root: string; dirs: string[]; files: SourceFile[]; bytes: number }

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Throws naming the file if the shipped tarball is missing or altered. */
export async function verifyTarball(path = TARBALL_PATH, sha256 = LUA_TARBALL.sha256): Promise<void> {
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch (err) {
    throw new Error(`source tarball ${path}: cannot read (${(err as Error).message}); it ships in bench/data`, { cause: err });
  }
  if (actual !== sha256) throw new Error(`source tarball ${path}: sha256 ${actual}, expected ${sha256}; restore it from git`);
}

/** Verify, extract into `destDir` (local disk) and scan; returns the tree. */
export async function extractSource(destDir: string, tarball = TARBALL_PATH): Promise<SourceTree> {
  await verifyTarball(tarball);
  await mkdir(destDir, { recursive: true });
  await execFileAsync('tar', ['-xzf', tarball, '-C', destDir]);
  return scanTree(join(destDir, LUA_TARBALL.topDir));
}

export async function scanTree(root: string): Promise<SourceTree> {
  const tree: SourceTree = { root, dirs: [], files: [], bytes: 0 };
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (entry.isDirectory()) {
        tree.dirs.push(rel);
        await walk(full);
      } else if (entry.isFile()) {
        const st = await lstat(full);
        tree.files.push({ path: rel, size: st.size, mode: st.mode & 0o7777 });
        tree.bytes += st.size;
      }
    }
  };
  await walk(root);
  return tree;
}
