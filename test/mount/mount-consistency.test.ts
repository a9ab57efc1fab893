// What the mount's caching (write-behind, the kernel's negative entries) may
// and may not change: a program sees its own writes at once, another mount
// sees them at the latest when the file is closed (close-to-open, as NFS), a
// setattr is not undone by bytes written before it, a write the group refuses
// fails the close, and small writes reach the group as few requests.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { BfsClient } from '../../src/client/bfs-client.js';
import { LocalInvoker } from '../../src/client/local-invoker.js';
import { mountBfs, type Mounted } from '../../mount/mount-command.js';
import { RecordingInvoker } from './fixtures/mount-helpers.js';

/** Two mounts of one in-process tree, as two machines mounting one group. */
describe('mount: consistency between two mounts of one tree', () => {
  let dir: string;
  let a: string;
  let b: string;
  let recA: RecordingInvoker;
  let clientB: BfsClient;
  const mounts: Mounted[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bfs-mount-consistency-'));
    a = join(dir, 'a');
    b = join(dir, 'b');
    await mkdir(a);
    await mkdir(b);
    const shared = new LocalInvoker();
    recA = new RecordingInvoker(shared);
    clientB = new BfsClient(shared);
    const log = pino({ level: 'silent' });
    mounts.push(await mountBfs(a, new BfsClient(recA), { log }));
    mounts.push(await mountBfs(b, clientB, { log }));
  });

  after(async () => {
    for (const m of mounts) await m.unmount().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('sends many small writes as one write request at close', async () => {
    recA.requests.length = 0;
    const fh = await open(join(a, 'small-writes'), 'w');
    const piece = Buffer.alloc(1000, 'x');
    for (let i = 0; i < 64; i++) await fh.write(piece, 0, piece.length, null);
    await fh.close();
    const writes = recA.requests.filter((r) => r.op === 'write');
    assert.equal(writes.length, 1);
    assert.equal((await stat(join(b, 'small-writes'))).size, 64_000);
  });

  it('a program sees its own unsent writes: size, and bytes through another descriptor', async () => {
    const path = join(a, 'own-view');
    const w = await open(path, 'w');
    await w.write('hello ', 0);
    await w.write('world', 6);
    await w.write('!', 20); // past the end: a hole of zeros
    assert.equal((await stat(path)).size, 21);
    assert.equal((await w.stat()).size, 21);
    const r = await open(path, 'r');
    const buf = Buffer.alloc(32);
    const { bytesRead } = await r.read(buf, 0, 32, 0);
    assert.equal(buf.subarray(0, bytesRead).toString('latin1'), 'hello world' + '\0'.repeat(9) + '!');
    await r.close();
    await w.close();
  });

  it('another mount sees the data once the writer closes the file (close-to-open)', async () => {
    const w = await open(join(a, 'cto'), 'w');
    await w.write('first version', 0);
    await w.close();
    assert.equal(await readFile(join(b, 'cto'), 'utf8'), 'first version');
    const w2 = await open(join(a, 'cto'), 'r+');
    await w2.write('FIRST', 0);
    await w2.close();
    assert.equal(await readFile(join(b, 'cto'), 'utf8'), 'FIRST version');
  });

  it('the next open on another mount reads a file whole after it grew, whatever that mount had cached', async () => {
    await writeFile(join(a, 'grows'), 'short');
    assert.equal((await stat(join(b, 'grows'))).size, 5); // b caches the size
    await writeFile(join(a, 'grows'), 'a good deal longer now');
    assert.equal(await readFile(join(b, 'grows'), 'utf8'), 'a good deal longer now');
  });

  it('an open for reading of a small file costs one request, its reads none', async () => {
    await writeFile(join(a, 'one-request'), 'x'.repeat(5000));
    recA.requests.length = 0;
    assert.equal((await readFile(join(a, 'one-request'), 'utf8')).length, 5000);
    assert.deepEqual(recA.requests.map((r) => r.op), ['read']);
  });

  it('a setattr after writes is not undone by them (explicit mtime, truncate)', async () => {
    const path = join(a, 'setattr-order');
    const w = await open(path, 'w');
    await w.write('0123456789', 0);
    await utimes(path, 1_000_000, 1_000_000);
    await w.truncate(4);
    await w.close();
    const st = await stat(join(b, 'setattr-order'));
    assert.equal(st.size, 4);
    assert.equal(await readFile(join(b, 'setattr-order'), 'utf8'), '0123');
    const w2 = await open(path, 'r+');
    await w2.write('ab', 0);
    await utimes(path, 2_000_000, 2_000_000);
    await w2.close();
    // On this mount: the other one may show attributes up to a second old.
    assert.equal((await stat(path)).mtimeMs, 2_000_000_000);
    assert.equal(await readFile(join(b, 'setattr-order'), 'utf8'), 'ab23');
  });

  it('a write the group refuses fails the close', async () => {
    const path = join(a, 'removed-under-writer');
    await writeFile(path, 'x');
    const w = await open(path, 'r+');
    await w.write('kept bytes', 0);
    // Another machine removes the file while it is open here: the kept bytes have nowhere to go.
    await clientB.remove(clientB.root, 'removed-under-writer');
    await assert.rejects(w.close());
  });

  it('a name another mount creates shows up here after this mount was told it does not exist', async () => {
    const path = join(a, 'appears-later');
    await assert.rejects(stat(path), { code: 'ENOENT' });
    await writeFile(join(b, 'appears-later'), 'now');
    // The kernel keeps "no such name" for negative_timeout (1 s): poll, with a generous bound.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const seen = await stat(path).then(() => true, () => false);
      if (seen) break;
      assert.ok(Date.now() < deadline, 'the new name never showed up');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await readFile(path, 'utf8'), 'now');
  });

  it('a name this mount creates is there at once, despite the negative entry', async () => {
    const path = join(a, 'made-here');
    await assert.rejects(stat(path), { code: 'ENOENT' });
    await writeFile(path, 'mine');
    assert.equal(await readFile(path, 'utf8'), 'mine');
  });
});
