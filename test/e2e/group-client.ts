// A BfsClient talking PBFT over gRPC to a test group, and the seeded mixed
// workload the e2e tests run through it and through a lone FileTree.
import { BfsClient } from '../../src/client/bfs-client.js';
import { isFsError } from '../../src/client/fs-error.js';
import { LocalInvoker } from '../../src/client/local-invoker.js';
import { connectBfs } from '../../src/client/pbft-invoker.js';
import { ROOT_HANDLE } from '../../src/fs/file-tree.js';
import type { Attr, Credentials } from '../../src/fs/types.js';
import { mulberry32 as prng } from '../../src/pbft/prng.js';

const ROOT_CRED: Credentials = { uid: 0, gid: 0, groups: [] };

/** The product's client (connectBfs), acting as root, with a generous bound for a loaded CI machine. */
export function connectGroupClient(configPath: string, keyPath: string): Promise<BfsClient> {
  return connectBfs({ configPath, keyPath, cred: ROOT_CRED, requestTimeoutMs: 120_000 });
}

export function localClient(): BfsClient {
  return new BfsClient(new LocalInvoker(), { cred: ROOT_CRED, root: ROOT_HANDLE });
}

/** Attributes without timestamps: the group's agreed time and a local clock differ. */
function attrShape(a: Attr): unknown {
  return { fh: a.fh, type: a.type, mode: a.mode, nlink: a.nlink, uid: a.uid, gid: a.gid, size: a.size, blocks: a.blocks };
}

export type Step = { name: string; run: (c: BfsClient) => Promise<unknown> };

async function outcome(c: BfsClient, step: Step): Promise<unknown> {
  try {
    return { ok: await step.run(c) };
  } catch (err) {
    if (isFsError(err)) return { errno: err.errno };
    throw err;
  }
}

/** `count` mixed file operations over a small namespace, so many hit existing files and many fail. */
export function workload(seed: number, count: number): Step[] {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const dir = (): string => pick(['/', '/a', '/b', '/a/c']);
  const file = (): string => `${dir().replace(/\/$/, '')}/${pick(['f1', 'f2', 'f3', 'g'])}`;
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    if (r < 0.1) {
      const d = pick(['/a', '/b', '/a/c', '/b/d']);
      steps.push({ name: `mkdir ${d}`, run: async (c) => { const p = d.split('/'); const name = p.pop() as string; return attrShape((await c.mkdir((await c.resolve(p.join('/') || '/')).fh, name, 0o755)).attr); } });
    } else if (r < 0.35) {
      const f = file();
      const size = Math.floor(rnd() * 6000);
      const data = new Uint8Array(size).map(() => Math.floor(rnd() * 256));
      steps.push({ name: `write ${f} (${size} B)`, run: async (c) => attrShape(await c.writeFile(f, data)) });
    } else if (r < 0.55) {
      const f = file();
      steps.push({ name: `read ${f}`, run: async (c) => Buffer.from(await c.readFile(f)).toString('base64') });
    } else if (r < 0.65) {
      const f = dir();
      steps.push({ name: `ls ${f}`, run: async (c) => (await c.readdirAll((await c.resolve(f)).fh)).map((e) => `${e.name}:${e.type}:${e.fh.ino}`) });
    } else if (r < 0.75) {
      const f = file();
      steps.push({ name: `stat ${f}`, run: async (c) => attrShape(await c.resolve(f)) });
    } else if (r < 0.83) {
      const f = file();
      steps.push({ name: `rm ${f}`, run: async (c) => { const p = f.split('/'); const name = p.pop() as string; await c.remove((await c.resolve(p.join('/') || '/')).fh, name); return 'removed'; } });
    } else if (r < 0.9) {
      const from = file();
      const to = file();
      steps.push({ name: `rename ${from} ${to}`, run: async (c) => {
        const fp = from.split('/'); const fn = fp.pop() as string; const tp = to.split('/'); const tn = tp.pop() as string;
        await c.rename((await c.resolve(fp.join('/') || '/')).fh, fn, (await c.resolve(tp.join('/') || '/')).fh, tn);
        return 'renamed';
      } });
    } else if (r < 0.95) {
      const f = file();
      const mode = pick([0o600, 0o644, 0o755]);
      steps.push({ name: `chmod ${f} ${mode.toString(8)}`, run: async (c) => attrShape(await c.setattr((await c.resolve(f)).fh, { mode })) });
    } else {
      const f = file();
      const data = new TextEncoder().encode(`line ${i}\n`);
      steps.push({ name: `append ${f}`, run: async (c) => (await c.write((await c.resolve(f)).fh, 0, data, { append: true })).count });
    }
  }
  return steps;
}

/** Runs `steps` one after another; `beforeStep(i)` lets a test inject faults mid-run. */
export async function runSteps(c: BfsClient, steps: Step[], beforeStep?: (i: number) => Promise<void> | void): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < steps.length; i++) {
    if (beforeStep) await beforeStep(i);
    out.push(await outcome(c, steps[i]));
  }
  return out;
}
