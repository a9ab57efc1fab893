// `bench throughput`: closed-loop clients (each its own identity, one request
// outstanding, as PBFT clients are) issuing 0/0 (setattr of nothing) or 4/0
// (4 KiB write) ops for a fixed time; ops/s and latency vs the number of
// clients, replicated vs unreplicated, and the mean batch the primary formed
// (from the replica's bfs_batch_size_requests histogram).
import type { BfsClient } from '../src/client/bfs-client.js';
import type { Handle } from '../src/fs/types.js';
import { openBenchClient } from './lib/bench-client.js';
import { describeEnvironment, environmentLine } from './lib/environment.js';
import { LocalGroup } from './lib/local-group.js';
import { meanBatch, scrapeBatches } from './lib/metrics-scrape.js';
import { closedLoop, DEFAULT_WARM_UP, OPS, prepareFile, warmUp } from './lib/op-loop.js';
import { REPO_ROOT } from './lib/paths.js';
import type { Progress } from './lib/progress.js';
import { markdownTable, writeResults, type ResultFiles } from './lib/results.js';
import { fmt, median, percentile } from './lib/stats.js';
import { lineChart } from './lib/svg-chart.js';

export interface ThroughputBenchOptions { clients: number[]; seconds: number; progress: Progress }

const WORKLOADS = [{ id: '0/0', op: 'setattrNothing' }, { id: '4/0', op: 'write4k' }] as const;
const GROUPS = [{ id: 'bfs', label: 'bfs (4 replicas)', replicas: 4, unreplicated: false }, { id: 'nr', label: 'unreplicated', replicas: 1, unreplicated: true }] as const;

interface Point {
  group: string; workload: string; clients: number;
  opsPerS?: number; medianMs?: number; p99Ms?: number; meanBatch?: number | null; error?: string;
}

export async function runThroughputBench(opts: ThroughputBenchOptions): Promise<{ files: ResultFiles }> {
  const points: Point[] = [];
  const maxClients = Math.max(...opts.clients);
  for (const g of GROUPS) {
    let group: LocalGroup | null = null;
    const workers: { client: BfsClient; fh: Handle }[] = [];
    try {
      group = await LocalGroup.start({ replicas: g.replicas, unreplicated: g.unreplicated, clients: maxClients });
      for (let i = 0; i < maxClients; i++) {
        opts.progress.update(`throughput ${g.id} connect`, i, maxClients);
        const client = await openBenchClient(group, { keyIndex: i });
        workers.push({ client, fh: await prepareFile(client, `tp-${i}`) });
      }
      for (const w of WORKLOADS) {
        opts.progress.update(`throughput ${g.id} ${w.id} warm-up`, 0, 1);
        await warmUp(workers, OPS[w.op].run);
        for (const n of opts.clients) points.push(await measurePoint(group, g.id, w, workers.slice(0, n), opts));
      }
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      opts.progress.log(`throughput ${g.id}: FAILED: ${error}`);
      for (const w of WORKLOADS) for (const n of opts.clients) {
        if (!points.some((p) => p.group === g.id && p.workload === w.id && p.clients === n)) points.push({ group: g.id, workload: w.id, clients: n, error });
      }
    } finally {
      await Promise.all(workers.map((w) => w.client.close().catch(() => {})));
      await group?.stop();
    }
  }
  const env = await describeEnvironment(REPO_ROOT);
  const json = { benchmark: 'throughput', environment: env, seconds: opts.seconds, clients: opts.clients, points };
  const files = await writeResults('throughput', json, throughputMarkdown(points, opts, environmentLine(env)), throughputSvg(points, opts));
  return { files };
}

async function measurePoint(group: LocalGroup, groupId: string, w: (typeof WORKLOADS)[number], workers: { client: BfsClient; fh: Handle }[], opts: ThroughputBenchOptions): Promise<Point> {
  const label = `throughput ${groupId} ${w.id} ×${workers.length}`;
  opts.progress.update(label, 0, 1);
  // Batches are executed identically on every replica; replica 0's counters suffice.
  const url = group.metricsUrl(0);
  const before = url ? await scrapeBatches(url) : null;
  const { latencies, elapsedMs } = await closedLoop(workers, OPS[w.op].run, opts.seconds * 1000);
  const after = url ? await scrapeBatches(url) : null;
  opts.progress.update(label, 1, 1);
  const point: Point = {
    group: groupId, workload: w.id, clients: workers.length, opsPerS: latencies.length / (elapsedMs / 1000),
    medianMs: median(latencies), p99Ms: percentile(latencies, 99), meanBatch: meanBatch(before, after),
  };
  opts.progress.log(`${label}: ${fmt(point.opsPerS, 0)} ops/s, median ${fmt(point.medianMs, 2)} ms, p99 ${fmt(point.p99Ms, 2)} ms, batch ${fmt(point.meanBatch ?? undefined, 1)}`);
  return point;
}

function throughputMarkdown(points: Point[], opts: ThroughputBenchOptions, envLine: string): string {
  const rows = points.map((p) => [
    GROUPS.find((g) => g.id === p.group)?.label ?? p.group, p.workload, String(p.clients),
    p.error ? 'failed' : fmt(p.opsPerS, 0), fmt(p.medianMs, 2), fmt(p.p99Ms, 2), fmt(p.meanBatch ?? undefined, 1),
  ]);
  const failures = [...new Set(points.filter((p) => p.error).map((p) => `- ${p.group}: ${p.error}`))];
  return [
    '# Throughput vs concurrent clients',
    '',
    envLine,
    '',
    `Closed loop through BfsClient (no FUSE) on 127.0.0.1: each client has its own identity and one request outstanding; ${opts.seconds} s per point, ` +
      `each workload after a warm-up of ${DEFAULT_WARM_UP.opsMin} ops (at most ${DEFAULT_WARM_UP.msMax / 1000} s) with all clients. ` +
      '0/0 = setattr changing nothing (ordered), 4/0 = 4 KiB write. Mean batch = requests per executed batch (replica metrics).',
    '',
    markdownTable(['group', 'op', 'clients', 'ops/s', 'median ms', 'p99 ms', 'mean batch'], rows),
    ...(failures.length > 0 ? ['', 'Failures:', ...failures] : []),
    '',
  ].join('\n');
}

function throughputSvg(points: Point[], opts: ThroughputBenchOptions): string {
  const series = GROUPS.flatMap((g) => WORKLOADS.map((w) => ({
    name: `${g.id} ${w.id}`,
    values: opts.clients.map((n) => points.find((p) => p.group === g.id && p.workload === w.id && p.clients === n)?.opsPerS ?? null),
  })));
  return lineChart({ title: 'Throughput vs concurrent clients', xLabel: 'clients (log scale)', yLabel: 'ops/s', xs: opts.clients, logX: opts.clients.length > 1, series });
}
