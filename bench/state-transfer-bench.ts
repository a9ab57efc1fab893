// State transfer rate over real gRPC on 127.0.0.1: a source serving its
// checkpoint tree (StateTransfer service) and a StateFetcher filling an empty
// tree, verified against the source's digest. Prints a Markdown table and the
// linear extrapolation to 1 GiB. Run: npx tsx bench/state-transfer-bench.ts [MiB...]
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { FileTree, ROOT_HANDLE, type FsRequest, type FsResult, type Handle } from '../src/fs/index.js';
import { StateFetcher } from '../src/replica/state-transfer-fetcher.js';
import { stateTransferImplementation, stateTransferService } from '../src/replica/state-transfer-service.js';
import type { ReplicaInfo } from '../src/transport/cluster-config.js';

const hash = (d: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(d).digest());
const cred = { uid: 0, gid: 0, groups: [] };
const options = { hash };
let now = 1000;

function apply(tree: FileTree, r: FsRequest): FsResult {
  const res = tree.apply(r, (now += 1));
  if (res.errno !== 0) throw new Error(`${r.op}: errno ${res.errno}`);
  return res;
}

/** `mib` MiB in files of 256 KiB (written 64 KiB at a time), 64 files per directory. */
function buildTree(mib: number): FileTree {
  const tree = new FileTree(options);
  const chunk = new Uint8Array(64 * 1024);
  let dir: Handle = ROOT_HANDLE;
  for (let f = 0; f < mib * 4; f++) {
    if (f % 64 === 0) {
      const d = apply(tree, { cred, op: 'mkdir', mkdir: { dir: ROOT_HANDLE, name: `d${f / 64}`, mode: 0o755 } });
      if (d.res !== 'create') throw new Error('mkdir');
      dir = d.create.attr.fh;
    }
    const c = apply(tree, { cred, op: 'create', create: { dir, name: `f${f}`, mode: 0o644, exclusive: true, truncate: false } });
    if (c.res !== 'create') throw new Error('create');
    for (let k = 0; k < 4; k++) {
      chunk.fill((f * 7 + k) & 0xff);
      chunk[0] = f & 0xff; chunk[1] = (f >> 8) & 0xff;
      apply(tree, { cred, op: 'write', write: { fh: c.create.attr.fh, offset: k * chunk.length, data: chunk, append: false } });
    }
  }
  return tree;
}

async function measure(mib: number, port: number): Promise<{ mib: number; ms: number; bytes: number; partitions: number }> {
  const source = buildTree(mib);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 80 * 1024 * 1024, 'grpc.max_send_message_length': 80 * 1024 * 1024 });
  server.addService(stateTransferService, stateTransferImplementation({ checkpointTree: source, checkpointSeq: 128 }));
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const replicas: ReplicaInfo[] = [0, 1].map((id) => ({ id, host: '127.0.0.1', port: bound, publicKey: '' } as unknown as ReplicaInfo));
  const target = new FileTree(options);
  const digest = source.digest();
  const started = performance.now();
  const fetcher = await new Promise<StateFetcher>((resolve) => {
    const f: StateFetcher = new StateFetcher({
      self: 1, replicas, tree: target, treeOptions: options, logger: pino({ level: 'warn' }),
      onInstalled: () => resolve(f),
    });
    f.fetch(128, digest);
  });
  const ms = performance.now() - started;
  const stats = fetcher.lastStats;
  fetcher.stop();
  server.forceShutdown();
  return { mib, ms, bytes: stats?.bytes ?? 0, partitions: stats?.partitions ?? 0 };
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
const rows = [];
for (const mib of sizes.length > 0 ? sizes : [16, 64, 128]) rows.push(await measure(mib, 0));
console.log(`state transfer over gRPC on 127.0.0.1, load average ${loadavg()[0].toFixed(1)}`);
console.log('| tree MiB | partitions | wire MiB | ms | MiB/s | 1 GiB at this rate |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const rate = r.bytes / 1048576 / (r.ms / 1000);
  console.log(`| ${r.mib} | ${r.partitions} | ${(r.bytes / 1048576).toFixed(1)} | ${r.ms.toFixed(0)} | ${rate.toFixed(1)} | ${(1024 / rate).toFixed(0)} s |`);
}
