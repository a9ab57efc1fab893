// Where does one read-write op's latency go? Starts a 4-replica group with
// every process traced (trace-preload.mjs must be in NODE_OPTIONS, see there),
// runs sequential ops with one client, and prints each op's timeline across
// all processes (µs after the client sent the request), then the median of
// each step over all ops.
//   BFS_TRACE_DIR=/tmp/trace NODE_OPTIONS="--import $PWD/bench/profile/trace-preload.mjs" \
//     npx tsx bench/profile/trace.ts [--ops 200] [--show 3] [--op setattrNothing] [--gap-ms 3]
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openBenchClient } from '../lib/bench-client.js';
import { LocalGroup } from '../lib/local-group.js';
import { OPS, prepareFile } from '../lib/op-loop.js';
import { median } from '../lib/stats.js';
import type { TraceRecord } from './trace-hooks.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Event extends TraceRecord { proc: string }

async function main(): Promise<void> {
  const dir = process.env.BFS_TRACE_DIR;
  if (!dir || !(process.env.NODE_OPTIONS ?? '').includes('trace-preload')) throw new Error('run with BFS_TRACE_DIR and NODE_OPTIONS="--import …/trace-preload.mjs"');
  rmSync(dir, { recursive: true, force: true });
  const ops = Number(flag('ops', '200'));
  const show = Number(flag('show', '3'));
  const gapMs = Number(flag('gap-ms', '3'));
  const op = OPS[flag('op', 'setattrNothing')];
  const group = await LocalGroup.start({ replicas: 4, clients: 1, replicaArgs: Object.fromEntries([0, 1, 2, 3].map((i) => [i, (process.env.BFS_TRACE_REPLICA_ARGS ?? '').split(' ').filter(Boolean)])) });
  const marks: { start: number; end: number }[] = [];
  try {
    const client = await openBenchClient(group);
    const fh = await prepareFile(client, 'trace');
    for (let i = 0; i < 50; i++) await op.run(client, fh);
    for (let i = 0; i < ops; i++) {
      await sleep(gapMs);   // a quiet system before each op: the breakdown of one op, not of a queue
      const start = performance.timeOrigin + performance.now();
      await op.run(client, fh);
      marks.push({ start, end: performance.timeOrigin + performance.now() });
    }
    await client.close();
  } finally {
    await group.stop();
  }
  // This process's records are written at its exit; read ours from memory instead.
  const { traceRecords } = await import('./trace-hooks.js');
  const events: Event[] = traceRecords().map((r) => ({ ...r, proc: 'C' }));
  for (const f of readdirSync(dir)) {
    const m = /replica(\d)/.exec(f);
    if (!m) continue;
    for (const r of JSON.parse(readFileSync(join(dir, f), 'utf8')) as TraceRecord[]) events.push({ ...r, proc: `R${m[1]}` });
  }
  events.sort((a, b) => a.t - b.t);
  const steps = new Map<string, number[]>();
  marks.forEach((mark, i) => {
    const inOp = events.filter((e) => e.t >= mark.start - 0.05 && e.t <= mark.end + 0.05 && !(e.ev === 'step' && e.what === 'tick' && (e.durUs ?? 0) < 30));
    const t0 = inOp.find((e) => e.proc === 'C' && e.ev === 'send')?.t ?? mark.start;
    if (i < show) {
      process.stdout.write(`\nop ${i}: ${((mark.end - mark.start) * 1000).toFixed(0)} µs\n`);
      for (const e of inOp) {
        process.stdout.write(`  ${((e.t - t0) * 1000).toFixed(0).padStart(6)} ${e.proc} ${e.ev.padEnd(4)} ${String(e.peer ?? '').padStart(4)} ${(e.what ?? '').padEnd(26)} ${e.durUs !== undefined ? `${e.durUs.toFixed(0)} µs` : ''}\n`);
      }
    }
    // Milestones: first time each (process, event, kind) happens within the op.
    const seen = new Set<string>();
    for (const e of inOp) {
      const kind = (e.what ?? '').split(' ')[0];
      const key = `${e.proc} ${e.ev} ${kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = steps.get(key) ?? [];
      list.push((e.t - t0) * 1000);
      steps.set(key, list);
    }
    const total = steps.get('total') ?? [];
    total.push((mark.end - mark.start) * 1000);
    steps.set('total', total);
  });
  process.stdout.write(`\nmedian µs after the request left the client (first occurrence per op; ${marks.length} ops):\n`);
  const rows = [...steps].filter(([, v]) => v.length >= marks.length / 2).map(([k, v]) => ({ k, m: median(v), n: v.length })).sort((a, b) => a.m - b.m);
  for (const r of rows) process.stdout.write(`  ${r.m.toFixed(0).padStart(6)}  ${r.k}${r.n < marks.length ? ` (in ${r.n} ops)` : ''}\n`);
}

await main();
