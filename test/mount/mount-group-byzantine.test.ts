// End to end: a FUSE mount of a real 4-replica group in which one backup plays
// `--byzantine corrupt-replies` (it sends wrong results to clients). Real tools
// unpack the Lua source onto the mount and `make` builds it there; the client
// outvotes the liar, so every byte is right and the built interpreter runs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TARBALL_PATH, verifyTarball } from '../../bench/andrew/source-tree.js';
import { startGroupMount, type GroupMount } from './fixtures/group-mount.js';
import { checksums, sh } from './fixtures/mount-helpers.js';

describe('mount: a 4-replica group with one replica corrupting its replies', { timeout: 600_000 }, () => {
  let gm: GroupMount;
  let mnt: string;
  let local: string;

  before(async () => {
    await verifyTarball();
    // Replica 1 is a backup in view 0: it lies to clients on every reply.
    gm = await startGroupMount({ replicaArgs: { 1: ['--byzantine', 'corrupt-replies'] } });
    ({ mnt, local } = gm);
  });

  after(async () => { await gm?.stop(); });

  it('tar x of the Lua source is byte-exact, make builds it on the mount, and the binary runs', async () => {
    await sh(`tar xzf '${TARBALL_PATH}' -C '${local}' && tar xzf '${TARBALL_PATH}' -C '${mnt}'`);
    const top = (await sh(`ls '${local}'`)).trim();
    assert.equal(await checksums(join(mnt, top)), await checksums(join(local, top)));
    await sh(`make -C '${join(mnt, top)}' -j2 posix >/dev/null 2>&1`);
    assert.equal((await sh(`'${join(mnt, top, 'src', 'lua')}' -e 'print(6 * 7)'`)).trim(), '42');
    // The sources are untouched by the build.
    assert.equal(await checksums(join(mnt, top, 'doc')), await checksums(join(local, top, 'doc')));
  });
});
