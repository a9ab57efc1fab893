// `bfs replica --data DIR --durability fsync`: the whole group is SIGKILLed at
// once in the middle of a write load (past a stable checkpoint, so the WAL has
// been cut once) and restarted; every write a client saw acknowledged reads
// back byte for byte, and the group keeps serving writes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Group, sleep } from '../e2e/group-harness.js';
import { connectGroupClient } from '../e2e/group-client.js';
import type { BfsClient } from '../../src/client/bfs-client.js';
import { ROOT_HANDLE } from '../../src/fs/file-tree.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'bfs-durable-'));
const dataDir = (id: number): string => join(dataRoot, `replica-${id}`);
let group: Group;
let writer: BfsClient;
let reader: BfsClient | undefined;

before(async () => {
  group = await Group.start({ replicaArgs: Object.fromEntries([0, 1, 2, 3].map((id) => [id, ['--data', dataDir(id), '--durability', 'fsync']])) });
  writer = await connectGroupClient(group.configPath, group.clientKeyPaths[0]);
});

after(async () => {
  await writer?.close();
  await reader?.close();
  group?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

function contentOf(i: number): Uint8Array {
  const out = new Uint8Array(512 * (1 + (i % 5)));
  for (let k = 0; k < out.length; k++) out[k] = (i * 13 + k * 5) & 0xff;
  return out;
}

/** Writes files until told to stop; `acked` holds the files whose create and write both came back. */
async function load(acked: number[], stop: () => boolean): Promise<void> {
  for (let i = 0; !stop(); i++) {
    const { attr } = await writer.create(ROOT_HANDLE, `d${i}`, 0o644, { exclusive: true });
    await writer.write(attr.fh, 0, contentOf(i));
    acked.push(i);
  }
}

async function killAll(): Promise<void> {
  const exits = group.children.map((c) => (c && c.exitCode === null ? once(c, 'exit') : Promise.resolve()));
  for (let id = 0; id < group.n; id++) group.kill(id);
  await Promise.all(exits);
}

test('acknowledged writes survive SIGKILL of the whole group with --durability fsync', { timeout: 150_000 }, async () => {
  await group.explain(async () => {
    const acked: number[] = [];
    let stopped = false;
    const running = load(acked, () => stopped).catch(() => undefined);
    // 2 ops per file: past the first stable checkpoint (K = 128), then kill mid-load.
    while (acked.length < 90) await sleep(20);
    await killAll();
    stopped = true;
    const ackedAtKill = [...acked];
    for (let id = 0; id < group.n; id++) group.startReplica(id);
    await group.waitFor((all) => all.every((s) => s !== null && s.lastExecuted > 128), 60_000, 'every replica restored past the first checkpoint');
    for (let id = 0; id < group.n; id++) assert.match(group.log(id), /restoring checkpoint \d+ and \d+ logged batches/);
    // The checkpoints on disk (manifest + partition files, proof checked) started the cores, not seq 0.
    const restoredFrom = [0, 1, 2, 3].map((id) => Number([...group.log(id).matchAll(/restoring checkpoint (\d+)/g)].at(-1)?.[1] ?? 0));
    assert.ok(restoredFrom.some((seq) => seq >= 128), `restored from checkpoints ${restoredFrom.join(', ')}`);
    for (let id = 0; id < group.n; id++) assert.doesNotMatch(group.log(id), /refusing|does not certify|is incomplete/);
    reader = await connectGroupClient(group.configPath, group.clientKeyPaths[1]);
    for (const i of ackedAtKill) {
      const attr = await reader.lookup(ROOT_HANDLE, `d${i}`);
      const want = contentOf(i);
      const got = await reader.read(attr.fh, 0, want.length + 1);
      assert.deepEqual(Buffer.from(got.data), Buffer.from(want), `file d${i}`);
    }
    // The restored group orders new writes too.
    const { attr } = await reader.create(ROOT_HANDLE, 'after-restart', 0o644, { exclusive: true });
    await reader.write(attr.fh, 0, contentOf(7));
    assert.deepEqual(Buffer.from((await reader.read(attr.fh, 0, 4096)).data), Buffer.from(contentOf(7)));
    void running;
  });
});
