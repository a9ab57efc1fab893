// `tsx bench/andrew/op-counts.ts [--replicas 4] [--unreplicated] [-o OPT]... [--no-make]`:
// what the mount asks of the group during each Andrew phase. Starts a local
// group, mounts it in this process (so the counters are at hand), runs the
// workload once and prints, per phase, the requests sent by op name (read-only
// vs ordered) and the FUSE calls the kernel made. Counts, not times: the
// in-process mount shares this process's CPU with the workload.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { BfsClient } from '../../src/client/bfs-client.js';
import { connectInvoker } from '../../src/client/pbft-invoker.js';
import { isReadOnlyOp, type FsRequest } from '../../src/fs/types.js';
import { mountBfs } from '../../mount/mount-command.js';
import { positiveInt } from '../lib/args.js';
import { LocalGroup } from '../lib/local-group.js';
import { markdownTable } from '../lib/results.js';
import { PHASE_NAMES, runAndrew, type PhaseName } from './run-andrew.js';
import { extractSource } from './source-tree.js';

const USAGE = 'usage: tsx bench/andrew/op-counts.ts [--replicas N] [--unreplicated] [-o OPT]... [--copies N] [--jobs N] [--no-make]';

type Counts = Map<string, number>;

function snapshot(counts: ReadonlyMap<string, number>): Counts {
  return new Map(counts);
}

function minus(after: Counts, before: Counts): Counts {
  const out: Counts = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

function isReadOnlyName(op: string): boolean {
  return isReadOnlyOp({ op } as FsRequest);
}

function describeCounts(counts: Counts): string {
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '–';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', default: '4' },
      unreplicated: { type: 'boolean', default: false },
      o: { type: 'string', multiple: true, default: [] },
      copies: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '2' },
      'no-make': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const replicas = positiveInt(values.replicas, '--replicas');
  const fuseOptions = values.o.flatMap((o) => o.split(',')).filter((o) => o !== '');
  const scratch = await mkdtemp(join(tmpdir(), 'bfs-andrew-src-'));
  const group = await LocalGroup.start({ replicas, unreplicated: values.unreplicated });
  // Failed requests by op and errno (ENOENT lookups are what a negative cache saves).
  const failed = new Map<string, number>();
  const invoker = connectInvoker({ configPath: group.configPath, keyPath: group.clientKeyPaths[0] });
  const client = new BfsClient({
    invoke: async (req) => {
      const result = await invoker.invoke(req);
      if (result.errno !== 0) failed.set(`${req.op}:${result.errno}`, (failed.get(`${req.op}:${result.errno}`) ?? 0) + 1);
      return result;
    },
    close: () => invoker.close(),
  });
  await mkdir(join(group.dir, 'mnt'));
  const mounted = await mountBfs(join(group.dir, 'mnt'), client, { fuseOptions, log: pino({ level: 'warn' }) });
  let broken = true;
  try {
    const tree = await extractSource(scratch);
    const sent: Record<string, Counts> = {};
    const fuse: Record<string, Counts> = {};
    let phase: PhaseName | undefined;
    const errs: Record<string, Counts> = {};
    let errAt = snapshot(failed);
    let sentAt = snapshot(client.sentOps);
    let fuseAt = snapshot(mounted.adapter.fuseCalls);
    const close = (): void => {
      if (phase === undefined) return;
      sent[phase] = minus(snapshot(client.sentOps), sentAt);
      fuse[phase] = minus(snapshot(mounted.adapter.fuseCalls), fuseAt);
      errs[phase] = minus(snapshot(failed), errAt);
      errAt = snapshot(failed);
      sentAt = snapshot(client.sentOps);
      fuseAt = snapshot(mounted.adapter.fuseCalls);
    };
    const result = await runAndrew({
      tree, target: join(mounted.mountpoint, 'andrew'), copies: positiveInt(values.copies, '--copies'),
      makeJobs: positiveInt(values.jobs, '--jobs'), skipMake: values['no-make'],
      onPhaseStart: (next) => { close(); phase = next; },
    });
    close();
    const rows = PHASE_NAMES.filter((p) => sent[p] !== undefined).map((p) => {
      const s = sent[p];
      let ro = 0;
      let ordered = 0;
      for (const [op, n] of s) if (isReadOnlyName(op)) ro += n; else ordered += n;
      const fuseTotal = [...fuse[p].values()].reduce((a, b) => a + b, 0);
      return [p, (result.phasesMs[p] / 1000).toFixed(2), String(ordered), String(ro), describeCounts(s), describeCounts(errs[p]), String(fuseTotal), describeCounts(fuse[p])];
    });
    console.log(`Andrew op counts: ${replicas} replica(s)${values.unreplicated ? ' unreplicated' : ''}, -o ${fuseOptions.join(',') || '(none)'}; ${tree.files.length} files`);
    console.log(markdownTable(['phase', 's (in-process)', 'ordered', 'read-only', 'requests by op', 'failed (op:errno)', 'FUSE calls', 'FUSE calls by op'], rows));
    broken = false;
  } finally {
    await mounted.unmount().catch(() => {});
    await client.close();
    await group.stop(broken);
    await rm(scratch, { recursive: true, force: true });
    if (broken) console.error(`op-counts: logs kept in ${group.dir}`);
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(`op-counts: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
