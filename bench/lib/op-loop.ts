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
};

const PAYLOAD = new Uint8Array(KIB4).map((_, i) => i & 0xff);

/** A 4 KiB file named `name` in the root, for the ops above. */
export async function prepareFile(client: BfsClient, name: string): Promise<Handle> {
  const { attr } = await client.create(client.root, name, 0o644, { truncate: true });
  await client.write(attr.fh, 0, PAYLOAD);
  return attr.fh;
}

/** `count` sequential ops after `warmup` untimed ones; latencies in ms. */
export async function latencySamples(client: BfsClient, fh: Handle, op: BenchOp, count: number, warmup: number,
  onProgress: (done: number) => void = () => {}): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op(client, fh);
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
