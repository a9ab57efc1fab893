// End to end: a FUSE mount of a real 4-replica group (processes, gRPC on
// 127.0.0.1) through connectBfs. Real tools copy trees in and out; the primary
// is SIGKILLed in the middle of a copy, and every byte still checks out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGroupMount, type GroupMount } from './fixtures/group-mount.js';
import { checksums, sh } from './fixtures/mount-helpers.js';

/** Resolves once `dir` holds at least `count` files (polling; the copy is paced). */
async function eventuallyFiles(dir: string, count: number): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const n = Number((await sh(`{ find '${dir}' -type f 2>/dev/null || true; } | wc -l`)).trim());
    if (n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${dir} never held ${count} files`);
}

/** `files` files of a few KiB to ~100 KiB under two levels of directories. */
function makeTree(dir: string, files: number): Promise<string> {
  return sh(`set -e; mkdir -p '${dir}/sub/deeper'
    for i in $(seq 1 ${files}); do
      d='${dir}'; [ $((i % 3)) -eq 1 ] && d='${dir}/sub'; [ $((i % 3)) -eq 2 ] && d='${dir}/sub/deeper'
      head -c $(( (i * 7919) % 100000 + 100 )) /dev/urandom > "$d/f$i"
    done`);
}

describe('mount: a real 4-replica group', { timeout: 420_000 }, () => {
  let gm: GroupMount;
  let mnt: string;
  let local: string;
  let group: GroupMount['group'];

  before(async () => {
    gm = await startGroupMount();
    ({ mnt, local, group } = gm);
  });

  after(async () => { await gm?.stop(); });

  it('cp -r and tar through the group keep every byte', async () => {
    await makeTree(join(local, 'a'), 8);
    await sh(`cp -r '${local}/a' '${mnt}/a' && tar cf - -C '${mnt}' a | tar xf - -C '${local}' --transform s/^a/a-back/`);
    assert.equal(await checksums(`${mnt}/a`), await checksums(`${local}/a`));
    assert.equal(await checksums(`${local}/a-back`), await checksums(`${local}/a`));
  });

  it('a copy survives a SIGKILL of the primary mid-way, byte for byte', async () => {
    await makeTree(join(local, 'b'), 16);
    const before = await group.statuses();
    const primary = before.find((s) => s !== null)?.primary ?? 0;
    // One file at a time with a pause between, so the kill surely lands mid-copy
    // (an unpaced cp of this tree can finish before the kill on an idle machine).
    const copy = sh(`set -e; cd '${local}/b'; mkdir -p '${mnt}/b/sub/deeper'
      for f in $(find . -type f | sort); do cp "$f" '${mnt}/b/'"$f"; sleep 0.2; done`);
    await eventuallyFiles(join(mnt, 'b'), 4);
    group.kill(primary);
    await copy;
    assert.equal(await checksums(`${mnt}/b`), await checksums(`${local}/b`));
    const after = await group.statuses();
    const views = after.filter((s) => s !== null).map((s) => s.view);
    assert.ok(views.every((v) => v > 0), `the survivors moved to a new view: ${JSON.stringify(views)}`);
    // The earlier tree is still intact after the view change.
    assert.equal(await checksums(`${mnt}/a`), await checksums(`${local}/a`));
  });
});
