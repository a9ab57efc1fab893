// A big file through a real 4-replica group: N MiB written in 128 KiB writes
// (the mount's max_write) by one BfsClient, read back and compared.
//   npx tsx bench/big-write-bench.ts [--mib 64] [--inproc] [--info|--debug] [--keep]
// Default: replica processes (wall time, per-write latency). --inproc: every
// node in this process (real gRPC on 127.0.0.1, real crypto), so CPU time per
// MiB, summed over all nodes, and the bytes each kind of envelope puts on the
// wire hardly depend on what else the machine runs (2 shared cores here).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { IO_CHUNK_BYTES, type BfsClient } from '../src/client/bfs-client.js';
import { connectBfs } from '../src/client/pbft-invoker.js';
import { startReplica, type RunningReplica } from '../src/replica/start-replica.js';
import { initCluster } from '../src/transport/cluster-config.js';
import { decodeEnvelope, decodeProtocolMessage } from '../src/transport/codec.js';
import { GrpcTransport } from '../src/transport/grpc.js';
import { LocalGroup } from './lib/local-group.js';
import { freePortRange } from './lib/ports.js';

function flag(name: string): boolean { return process.argv.includes(`--${name}`); }
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Bytes queued for sending, by envelope kind (in-process mode only). */
const sentBytes: Record<string, number> = {};
function countSentBytes(): void {
  const proto = GrpcTransport.prototype as unknown as { sendRaw: (to: number, bytes: Uint8Array) => void };
  const sendRaw = proto.sendRaw;
  proto.sendRaw = function (this: { self: number }, to: number, bytes: Uint8Array) {
    const env = decodeEnvelope(bytes);
    let kind = env?.type === 'signed' ? decodeProtocolMessage(env.signed.body)?.type ?? 'signed?' : env?.type ?? 'malformed';
    // A request a replica sends is a forward to the primary or a client copy it re-sends (helpBehind).
    if (kind === 'request' && this.self < 4) kind = 'request (replica)';
    sentBytes[kind] = (sentBytes[kind] ?? 0) + bytes.length;
    sendRaw.call(this, to, bytes);
  };
}

let phaseCpu = process.cpuUsage();

async function writeAndCheck(client: BfsClient, mib: number, phaseDone?: (phase: string) => void): Promise<{ writeS: number; readS: number; lat: number[] }> {
  const data = randomBytes(mib * 1024 * 1024);
  const { attr } = await client.create(client.root, 'big', 0o644);
  phaseDone?.('create');
  const lat: number[] = [];
  const t0 = performance.now();
  for (let off = 0; off < data.length; off += IO_CHUNK_BYTES) {
    const s = performance.now();
    await client.write(attr.fh, off, data.subarray(off, off + IO_CHUNK_BYTES));
    lat.push(performance.now() - s);
  }
  const writeS = (performance.now() - t0) / 1000;
  phaseDone?.('write');
  const t1 = performance.now();
  const back = await client.readFile('/big');
  const readS = (performance.now() - t1) / 1000;
  phaseDone?.('read');
  if (Buffer.compare(Buffer.from(back), data) !== 0) throw new Error('the file read back differs from what was written');
  return { writeS, readS, lat: lat.sort((a, b) => a - b) };
}

function report(mib: number, r: { writeS: number; readS: number; lat: number[] }): void {
  const pct = (p: number): string => r.lat[Math.min(r.lat.length - 1, Math.floor(p * r.lat.length))].toFixed(1);
  process.stdout.write(`write ${mib} MiB: ${r.writeS.toFixed(2)} s (${(mib / r.writeS).toFixed(1)} MiB/s), ${r.lat.length} writes, ` +
    `ms p50 ${pct(0.5)} p90 ${pct(0.9)} p99 ${pct(0.99)} max ${pct(1)}; read back ${r.readS.toFixed(2)} s, identical; load ${loadavg()[0].toFixed(1)}\n`);
}

async function inProcess(mib: number): Promise<void> {
  countSentBytes();
  const dir = mkdtempSync(join(tmpdir(), 'bfs-bigwrite-'));
  const { configPath, clientKeyPaths } = initCluster(dir, { replicas: 4, clients: 1, basePort: await freePortRange(4) });
  const logger = pino({ level: 'silent' });
  const replicas: RunningReplica[] = [];
  let client: BfsClient | undefined;
  try {
    for (let id = 0; id < 4; id++) replicas.push(await startReplica({ configPath, id, logger, metricsPort: -1 }));
    client = await connectBfs({ configPath, keyPath: clientKeyPaths[0], requestTimeoutMs: 300_000 });
    const r = await writeAndCheck(client, mib, (phase) => {
      const cpu = process.cpuUsage(phaseCpu);
      const perMib = Object.entries(sentBytes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1024 / 1024 / mib).toFixed(2)}`);
      process.stdout.write(`${phase}: CPU ${((cpu.user + cpu.system) / 1000 / mib).toFixed(0)} ms per MiB (all nodes); MiB sent per MiB: ${perMib.join(', ')}\n`);
      phaseCpu = process.cpuUsage();
      for (const k of Object.keys(sentBytes)) delete sentBytes[k];
    });
    report(mib, r);
  } finally {
    await client?.close();
    await Promise.all(replicas.map((x) => x.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function processes(mib: number): Promise<void> {
  const logLevel = flag('debug') ? 'debug' : flag('info') ? 'info' : 'warn';
  const group = await LocalGroup.start({ replicas: 4, logLevel });
  process.stdout.write(`group in ${group.dir}\n`);
  try {
    const client = await connectBfs({ configPath: group.configPath, keyPath: group.clientKeyPaths[0], requestTimeoutMs: 300_000 });
    report(mib, await writeAndCheck(client, mib));
    await client.close();
  } finally {
    await group.stop(flag('keep'));
  }
}

const mib = arg('mib', 64);
await (flag('inproc') ? inProcess(mib) : processes(mib));
