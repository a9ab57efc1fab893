// CPU per op of the replicated path with every node in THIS process: 4
// replicas (real gRPC over 127.0.0.1, real crypto, the real runtime) and N
// closed-loop clients on one thread. One thread has no parallelism to hide
// anything, so CPU per op is the sum of what every node spends on it, and it
// depends far less on what else the machine runs than the multi-process
// probe.ts does (other agents share these 2 cores). Use it to compare
// versions back to back; absolute throughput needs probe.ts or the benchmark.
//   npx tsx bench/profile/inproc.ts [--clients 1] [--seconds 4] [--op setattrNothing] [--warmup-ms 1000] [--tentative on|off]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connectBfs } from '../../src/client/pbft-invoker.js';
import type { BfsClient } from '../../src/client/bfs-client.js';
import { startReplica, type RunningReplica } from '../../src/replica/start-replica.js';
import { initCluster } from '../../src/transport/cluster-config.js';
import { nativeProvider } from '../../src/crypto/native.js';
import { GrpcTransport } from '../../src/transport/grpc.js';
import { decodeEnvelope, decodeProtocolMessage } from '../../src/transport/codec.js';
import type { Handle } from '../../src/fs/types.js';
import { freePortRange } from '../lib/ports.js';
import { closedLoop, OPS, prepareFile } from '../lib/op-loop.js';
import { median } from '../lib/stats.js';

// Work per op that does not depend on how loaded the machine is: crypto calls
// and messages, counted by wrapping the native provider and the transport.
const counts: Record<string, number> = {};
const count = (what: string): void => { counts[what] = (counts[what] ?? 0) + 1; };
type Fn = (...args: never[]) => unknown;
function countCalls<T extends object>(target: T, methods: string[], prefix: string): void {
  const obj = target as Record<string, Fn>;
  for (const m of methods) {
    const orig = obj[m];
    obj[m] = function (this: unknown, ...args: never[]) { count(`${prefix}${m}`); return orig.apply(this, args); };
  }
}
countCalls(nativeProvider, ['verify', 'sign', 'hmacSha256', 'sha256'], '');
const grpcProto = GrpcTransport.prototype as unknown as Record<string, Fn>;
const sendRaw = grpcProto.sendRaw;
grpcProto.sendRaw = function (this: unknown, ...args: never[]) {
  count(`envelope ${kindOf(args[1] as Uint8Array)}`);
  return sendRaw.apply(this, args);
};
const nextMessage = grpcProto.nextMessage;
grpcProto.nextMessage = function (this: unknown, ...args: never[]) {
  const out = nextMessage.apply(this, args);
  if (out !== undefined) count('grpc messages');
  return out;
};

function kindOf(bytes: Uint8Array): string {
  const env = decodeEnvelope(bytes);
  if (env?.type !== 'signed') return env?.type ?? 'malformed';
  return decodeProtocolMessage(env.signed.body)?.type ?? 'signed?';
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const clients = Number(flag('clients', '1'));
  const seconds = Number(flag('seconds', '4'));
  const op = OPS[flag('op', 'setattrNothing')];
  const dir = mkdtempSync(join(tmpdir(), 'bfs-inproc-'));
  const basePort = await freePortRange(4);
  const { configPath, clientKeyPaths } = initCluster(dir, { replicas: 4, clients, basePort });
  const logger = pino({ level: 'silent' });
  const replicas: RunningReplica[] = [];
  const workers: { client: BfsClient; fh: Handle }[] = [];
  try {
    const tentative = flag('tentative', 'on') === 'on';
    for (let id = 0; id < 4; id++) replicas.push(await startReplica({ configPath, id, logger, metricsPort: -1, tentative }));
    for (const keyPath of clientKeyPaths) {
      const client = await connectBfs({ configPath, keyPath });
      workers.push({ client, fh: await prepareFile(client, `f-${workers.length}`) });
    }
    await closedLoop(workers, op.run, Number(flag('warmup-ms', '1000')));
    for (const k of Object.keys(counts)) counts[k] = 0;
    const cpu0 = process.cpuUsage();
    const batches0 = executedBatches(replicas[0]);
    const { latencies, elapsedMs } = await closedLoop(workers, op.run, seconds * 1000);
    const cpu = process.cpuUsage(cpu0);
    const batches = executedBatches(replicas[0]) - batches0;
    const cpuUs = cpu.user + cpu.system;
    process.stdout.write(`in-process, 4 replicas, ${clients} clients: ${(latencies.length / (elapsedMs / 1000)).toFixed(0)} ops/s, median ${median(latencies).toFixed(2)} ms, ` +
      `CPU per op ${(cpuUs / latencies.length).toFixed(0)} µs (all nodes), ${(latencies.length / Math.max(1, batches)).toFixed(1)} requests per batch, ` +
      `CPU busy ${((cpuUs / 1000 / elapsedMs) * 100).toFixed(0)}%\n`);
    // envelopes queued by kind, gRPC messages written (a bundle counts once), crypto calls (client included).
    const perOp = Object.entries(counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${(v / latencies.length).toFixed(2)}`);
    process.stdout.write(`per op: ${perOp.join(', ')}\n`);
    if (process.argv.includes('--drops')) {
      for (const r of replicas) process.stdout.write(`replica ${r.id}: ${(await r.runtime.metrics.registry.getSingleMetricAsString('bfs_messages_dropped_total')).split('\n').filter((l) => !l.startsWith('#')).join('; ')}\n`);
    }
  } finally {
    await Promise.all(workers.map((w) => w.client.close().catch(() => {})));
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function executedBatches(r: RunningReplica): number {
  const m = r.runtime.metrics.batches as unknown as { hashMap: Record<string, { value: number }> };
  return Object.values(m.hashMap).reduce((sum, v) => sum + v.value, 0);
}

await main();
