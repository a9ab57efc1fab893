// Micro-benchmarks of the file tree state machine (src/fs), single-threaded,
// SHA-256 from node:crypto as in the replica. Prints a Markdown table.
// Run: npm run bench:fs   (BFS_FS_BENCH_FILES=N changes the big tree's size)
import { hash as oneShotHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { FileTree, ROOT_HANDLE, type FsRequest, type FsResult, type Handle } from '../src/fs/index.js';

// One-shot SHA-256 (crypto.hash) is what the replica should inject: about 2x faster than createHash for small inputs.
const hash = (d: Uint8Array): Uint8Array => new Uint8Array(oneShotHash('sha256', d, 'buffer'));
const cred = { uid: 0, gid: 0, groups: [] };
const BIG_FILES = Number(process.env.BFS_FS_BENCH_FILES ?? 100_000);
let now = 1_000;

function apply(tree: FileTree, r: FsRequest): FsResult {
  const res = tree.apply(r, (now += 1));
  if (res.errno !== 0) throw new Error(`${r.op} failed: errno ${res.errno}`);
  return res;
}

function fhOf(res: FsResult): Handle {
  if (res.res === 'create') return res.create.attr.fh;
  if (res.res === 'lookup') return res.lookup.attr.fh;
  throw new Error('no handle');
}

const mkdir = (dir: Handle, name: string): FsRequest => ({ cred, op: 'mkdir', mkdir: { dir, name, mode: 0o755 } });
const create = (dir: Handle, name: string): FsRequest => ({ cred, op: 'create', create: { dir, name, mode: 0o644, exclusive: true, truncate: false } });
const write = (fh: Handle, offset: number, data: Uint8Array): FsRequest => ({ cred, op: 'write', write: { fh, offset, data, append: false } });

// ms is wall time; cpuMs is this process's CPU time (user + system), which
// stays meaningful on a loaded machine.
interface Row { what: string; ops: number; ms: number; cpuMs?: number; note?: string }
const rows: Row[] = [];

function time(what: string, ops: number, fn: () => void, note?: string): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  fn();
  const cpu = process.cpuUsage(c0);
  rows.push({ what, ops, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, note });
}

function benchOps(): void {
  const tree = new FileTree({ hash });
  const dirs = Array.from({ length: 100 }, (_, i) => fhOf(apply(tree, mkdir(ROOT_HANDLE, `d${i}`))));
  const n = 20_000;
  time('create (100 dirs)', n, () => { for (let i = 0; i < n; i++) apply(tree, create(dirs[i % 100], `f${i}`)); });
  time('lookup', n, () => { for (let i = 0; i < n; i++) apply(tree, { cred, op: 'lookup', lookup: { dir: dirs[i % 100], name: `f${i}` } }); });
  const f = fhOf(apply(tree, create(ROOT_HANDLE, 'big')));
  const small = new Uint8Array(4096).fill(1);
  time('write 4 KiB (fresh blocks)', n, () => { for (let i = 0; i < n; i++) apply(tree, write(f, i * 4096, small)); });
  time('write 4 KiB (overwrite)', n, () => { for (let i = 0; i < n; i++) apply(tree, write(f, (i % 1000) * 4096, small)); });
  const large = new Uint8Array(65536).fill(2);
  const g = fhOf(apply(tree, create(ROOT_HANDLE, 'big2')));
  time('write 64 KiB', 2_000, () => { for (let i = 0; i < 2_000; i++) apply(tree, write(g, i * 65536, large)); });
  time('digest after the above', 1, () => tree.digest());
  time('write 4 KiB + digest each', 2_000, () => { for (let i = 0; i < 2_000; i++) { apply(tree, write(f, i * 4096, small)); tree.digest(); } });
  time('tentative: 128 writes + rollback', 128, () => {
    tree.beginTentative();
    for (let i = 0; i < 128; i++) apply(tree, write(f, i * 4096, small));
    tree.rollbackTentative();
  });
}

function benchReaddir(): void {
  const tree = new FileTree({ hash });
  const d = fhOf(apply(tree, mkdir(ROOT_HANDLE, 'wide')));
  for (let i = 0; i < 10_000; i++) apply(tree, create(d, `entry-${i}`));
  const listings = 20;
  let entries = 0;
  time('readdir 10,000 entries (pages of 1024)', listings, () => {
    for (let l = 0; l < listings; l++) {
      let cookie = 0;
      for (;;) {
        const res = tree.query({ cred, op: 'readdir', readdir: { dir: d, cookie, count: 1024 } });
        if (res.res !== 'readdir') throw new Error('readdir failed');
        entries += res.readdir.entries.length;
        if (res.readdir.eof) break;
        cookie = res.readdir.entries[res.readdir.entries.length - 1].cookie;
      }
    }
  }, 'ops = full listings');
  if (entries !== listings * 10_002) throw new Error(`readdir listed ${entries}`);
}

function benchBigTree(): void {
  const tree = new FileTree({ hash, limits: { inodesMax: BIG_FILES + 10_000 } });
  const perDir = 1000;
  const block = new Uint8Array(4096).fill(3);
  time(`build: ${BIG_FILES} files in dirs of ${perDir}, every 10th with 4 KiB`, BIG_FILES, () => {
    let dir = ROOT_HANDLE;
    for (let i = 0; i < BIG_FILES; i++) {
      if (i % perDir === 0) dir = fhOf(apply(tree, mkdir(ROOT_HANDLE, `d${i / perDir}`)));
      const f = fhOf(apply(tree, create(dir, `f${i}`)));
      if (i % 10 === 0) apply(tree, write(f, 0, block));
    }
  });
  time('digest, first (whole tree)', 1, () => tree.digest());
  const f = fhOf(apply(tree, { cred, op: 'lookup', lookup: { dir: fhOf(apply(tree, { cred, op: 'lookup', lookup: { dir: ROOT_HANDLE, name: 'd5' } })), name: 'f5000' } }));
  time('digest after one 4 KiB write', 1_000, () => { for (let i = 0; i < 1_000; i++) { apply(tree, write(f, 0, block)); tree.digest(); } }, 'write + digest');
  let snap: Uint8Array = new Uint8Array();
  time('snapshot', 1, () => { snap = tree.snapshot(); });
  rows[rows.length - 1].note = `${(snap.length / 2 ** 20).toFixed(1)} MiB`;
  let copy: FileTree | undefined;
  time('restore (incl. checks)', 1, () => { copy = FileTree.restore(snap, { hash, limits: { inodesMax: BIG_FILES + 10_000 } }); });
  time('digest of the restored tree', 1, () => copy?.digest());
  time('partitions() listing', 1, () => tree.partitions(), `${tree.partitions().length} partitions`);
  const mem = process.memoryUsage();
  rows.push({ what: `memory with the ${BIG_FILES}-file tree and its restored copy`, ops: 0, ms: 0, note: `heapUsed ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB` });
}

benchOps();
benchReaddir();
benchBigTree();

console.log(`\nbfs fs micro-benchmarks (node ${process.version}, ${process.arch})\n`);
console.log('| operation | ops | wall ms | ops/s (wall) | CPU ms | ops/s (CPU) | note |');
console.log('|---|---:|---:|---:|---:|---:|---|');
const rate = (ops: number, ms: number | undefined): string => (ops && ms ? Math.round(ops / (ms / 1000)).toLocaleString('en-US') : '');
for (const r of rows) {
  const cols = [r.what, r.ops || '', r.ms ? r.ms.toFixed(1) : '', rate(r.ops, r.ms), r.cpuMs ? r.cpuMs.toFixed(1) : '', rate(r.ops, r.cpuMs), r.note ?? ''];
  console.log(`| ${cols.join(' | ')} |`);
}
console.log(`\n(load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs at the end of the run)`);
