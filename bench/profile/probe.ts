// A quick look at the replicated path under load, for profiling sessions:
// starts 4 replicas (log level info, logs kept), runs N closed-loop clients of
// one op for S seconds, prints ops/s and latency, and names the log dir.
//   npx tsx bench/profile/probe.ts [--clients 16] [--seconds 4] [--op setattrNothing] [--replicas 4] [--replica-flags "--no-tentative"]
import type { BfsClient } from '../../src/client/bfs-client.js';
import type { Handle } from '../../src/fs/types.js';
import { openBenchClient } from '../lib/bench-client.js';
import { LocalGroup } from '../lib/local-group.js';
import { closedLoop, OPS, prepareFile } from '../lib/op-loop.js';
import { median, percentile } from '../lib/stats.js';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

/** CPU time (user + system) of a process in ms, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const clients = Number(flag('clients', '16'));
  const seconds = Number(flag('seconds', '4'));
  const op = OPS[flag('op', 'setattrNothing')];
  const replicas = Number(flag('replicas', '4'));
  // --replica-flags "--no-tentative": extra `bfs replica` flags for every replica (A/B of a setting).
  const replicaFlags = flag('replica-flags', '').split(' ').filter(Boolean);
  const replicaArgs = Object.fromEntries(Array.from({ length: replicas }, (_, i) => [i, replicaFlags]));
  const group = await LocalGroup.start({ replicas, unreplicated: replicas === 1, clients, logLevel: flag('log-level', 'info'), replicaArgs });
  const workers: { client: BfsClient; fh: Handle }[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const client = await openBenchClient(group, { keyIndex: i });
      workers.push({ client, fh: await prepareFile(client, `probe-${i}`) });
    }
    const pids = group.children.map((c) => c?.pid);
    const replicaCpu0 = pids.map(cpuMsOf);
    const clientCpu0 = process.cpuUsage();
    const { latencies, elapsedMs } = await closedLoop(workers, op.run, seconds * 1000);
    const clientCpu = process.cpuUsage(clientCpu0);
    const replicaCpu = pids.map((pid, i) => cpuMsOf(pid) - replicaCpu0[i]);
    const fmt = (x: number): string => x.toFixed(2);
    process.stdout.write(`${replicas} replicas, ${clients} clients: ${(latencies.length / (elapsedMs / 1000)).toFixed(0)} ops/s, median ${fmt(median(latencies))} ms, p99 ${fmt(percentile(latencies, 99))} ms, load ${loadavg()[0].toFixed(1)}\n`);
    // CPU per op does not depend on how loaded the machine is: 2 cores / (sum of it) bounds throughput here.
    const perOpUs = (ms: number): string => ((ms * 1000) / Math.max(1, latencies.length)).toFixed(0);
    const clientMs = (clientCpu.user + clientCpu.system) / 1000;
    const totalMs = clientMs + replicaCpu.reduce((a, b) => a + b, 0);
    process.stdout.write(`CPU per op (µs): client ${perOpUs(clientMs)}, replicas ${replicaCpu.map(perOpUs).join(' / ')}, total ${perOpUs(totalMs)} ` +
      `-> at most ${(2e6 / Math.max(1, Number(perOpUs(totalMs)))).toFixed(0)} ops/s on 2 idle cores\n`);
    const url = group.metricsUrl(0);
    if (url) {
      // What replica 0 saw: events and drops by reason, to count messages per op.
      const text = await (await fetch(url)).text();
      const lines = text.split('\n').filter((l) => /^bfs_(events|messages_dropped)_total\b/.test(l));
      process.stdout.write(`replica 0 after ${latencies.length} ops:\n  ${lines.join('\n  ')}\n`);
    }
  } finally {
    await Promise.all(workers.map((w) => w.client.close().catch(() => {})));
    process.stdout.write(`logs: ${group.logFile(0)}\n`);
    await group.stop(true);
  }
}

await main();
