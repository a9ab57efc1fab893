// End to end: a FUSE mount of a real 4-replica group in which one backup plays
// `--byzantine corrupt-replies` (it sends wrong results to clients). Real tools
// unpack the Lua source onto the mount and `make` builds it there; the client
// outvotes the liar, so every byte is right and the built interpreter runs.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { BfsClient } from '../../src/client/bfs-client.js';
import { connectBfs } from '../../src/client/pbft-invoker.js';
import { mountBfs, unmount, type Mounted } from '../../mount/mount-command.js';
import { TARBALL_PATH, verifyTarball } from '../../bench/andrew/source-tree.js';
import { Group } from '../e2e/group-harness.js';
import { sh } from './fixtures/mount-helpers.js';

function checksums(dir: string): Promise<string> {
  return sh(`cd '${dir}' && find . -type f -print0 | sort -z | xargs -0 -r sha256sum`);
}

describe('mount: a 4-replica group with one replica corrupting its replies', { timeout: 600_000 }, () => {
  let group: Group;
  let client: BfsClient;
  let mounted: Mounted;
  let mnt: string;
  let local: string;

  before(async () => {
    await verifyTarball();
    // Replica 1 is a backup in view 0: it lies to clients on every reply.
    group = await Group.start({ replicaArgs: { 1: ['--byzantine', 'corrupt-replies'] } });
    mnt = join(group.dir, 'mnt');
    local = join(group.dir, 'local');
    await mkdir(mnt);
    await mkdir(local);
    client = await connectBfs({ configPath: group.configPath, keyPath: group.clientKeyPaths.slice(0, 2), requestTimeoutMs: 120_000 });
    mounted = await mountBfs(mnt, client, { log: pino({ level: 'silent' }), opTimeoutMs: 150_000 });
  });

  after(async () => {
    await mounted?.unmount().catch(() => undefined);
    await unmount(mnt).catch(() => undefined);
    await client?.close();
    group?.stop();
  });

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
