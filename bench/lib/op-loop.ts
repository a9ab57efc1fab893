// Timing loops over BfsClient operations: sequential latency samples, and
// closed-loop concurrent clients for a fixed duration.
import { performance } from 'node:perf_hooks';
import type { BfsClient } from '../../src/client/bfs-client.js';
import type { Handle } from '../../src/fs/types.js';

export const KIB4 = 4096;

/** One benchmark operation on a prepared file. */
export type BenchOp = (client: BfsClient, fh: Handle) => Promise<unknown>;

export const OPS: Record<string, { describe: string; run: BenchOp }> = {
  getattr: { describe: 'getattr of a file (0/0, read-only kind)', run: (c, fh) => c.getattr(fh) },
  setattrNothing: { describe: 'setattr changing nothing (0/0, read-write kind)', run: (c, fh) => c.setattr(fh, {}) },
  write4k: { describe: '4 KiB write at offset 0 (4/0)', run: (c, fh) => c.write(fh, 0, PAYLOAD) },
  read4k: { describe: '4 KiB read at offset 0 (0/4)', run: (c, fh) => c.read(fh, 0, KIB4) },
  write16k: { describe: '16 KiB write at offset 0 (a big request: sent to every replica, ordered by digest)', run: (c, fh) => c.write(fh, 0, PAYLOAD16) },
};

const PAYLOAD = new Uint8Array(KIB4).map((_, i) => i & 0xff);
const PAYLOAD16 = new Uint8Array(4 * KIB4).map((_, i) => (i * 7) & 0xff);

/** A 4 KiB file named `name` in the root, for the ops above. */
export async function prepareFile(client: BfsClient, name: string): Promise<Handle> {
  const { attr } = await client.create(client.root, name, 0o644, { truncate: true });
  await client.write(attr.fh, 0, PAYLOAD);
  return attr.fh;
}

/**
 * How long to run before measuring. V8 optimizes the replicas' hot paths only
 * after thousands of calls: a fresh 4-replica group's 0/0 read-write median
 * went 5.9 ms (first 2 s) -> 3.6 -> 2.7 -> 2.0-2.4 ms (after ~2,000 ops, 6-8 s)
 * on this machine, so a 200-op warm-up measured mostly cold code.
 */
export interface WarmUp { opsMin: number; msMax: number }
export const DEFAULT_WARM_UP: WarmUp = { opsMin: 2_000, msMax: 10_000 };

/** Run `op` untimed until `warmUp.opsMin` ops are done or `warmUp.msMax` has passed. */
export async function warmUp(workers: { client: BfsClient; fh: Handle }[], op: BenchOp, warm: WarmUp = DEFAULT_WARM_UP): Promise<void> {
  let done = 0;
  const end = performance.now() + warm.msMax;
  await Promise.all(workers.map(async ({ client, fh }) => {
    while (done < warm.opsMin && performance.now() < end) {
      await op(client, fh);
      done++;
    }
  }));
}

/** `count` sequential ops after a warm-up (see WarmUp); latencies in ms. */
export async function latencySamples(client: BfsClient, fh: Handle, op: BenchOp, count: number, warm: WarmUp = DEFAULT_WARM_UP,
  onProgress: (done: number) => void = () => {}): Promise<number[]> {
  await warmUp([{ client, fh }], op, warm);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(client, fh);
    samples.push(performance.now() - t0);
    if (i % 50 === 0) onProgress(i);
  }
  onProgress(count);
  return samples;
}

/** Each worker loops `op` until `durationMs` passes; returns all latencies and the elapsed time. */
export async function closedLoop(workers: { client: BfsClient; fh: Handle }[], op: BenchOp, durationMs: number): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(workers.map(async ({ client, fh }) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await op(client, fh);
      latencies.push(performance.now() - t0);
    }
  }));
  return { latencies, elapsedMs: performance.now() - start };
}
