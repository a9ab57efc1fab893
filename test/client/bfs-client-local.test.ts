// BfsClient over a LocalInvoker (a real FileTree, through the wire codec):
// every op works end to end and failures arrive as FsError with the right errno.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { BfsClient } from '../../src/client/bfs-client.js';
import { FsError } from '../../src/client/fs-error.js';
import { LocalInvoker } from '../../src/client/local-invoker.js';

const ROOT = { uid: 0, gid: 0, groups: [] };
const ALICE = { uid: 1000, gid: 1000, groups: [1000] };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FsError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('BfsClient over LocalInvoker', () => {
  let c: BfsClient;
  let now: number;
  beforeEach(() => {
    now = 1_700_000_000_000;
    c = new BfsClient(new LocalInvoker({ clock: () => now }), { cred: ROOT });
  });

  it('writeFile / readFile round-trip across several I/O chunks', async () => {
    const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
    await c.mkdir(c.root, 'd', 0o755);
    const attr = await c.writeFile('/d/f', data);
    assert.equal(attr.size, data.length);
    assert.deepEqual(await c.readFile('/d/f'), data);
    await c.writeFile('/d/f', text('short'));
    assert.deepEqual(await c.readFile('/d/f'), text('short'), 'writeFile truncates');
  });

  it('maps failures to errno codes', async () => {
    const dir = (await c.mkdir(c.root, 'd', 0o755)).attr;
    const file = (await c.create(dir.fh, 'f', 0o644)).attr;
    assert.equal(await code(c.lookup(dir.fh, 'missing')), 'ENOENT');
    assert.equal(await code(c.mkdir(c.root, 'd', 0o755)), 'EEXIST');
    assert.equal(await code(c.create(dir.fh, 'f', 0o644, { exclusive: true })), 'EEXIST');
    assert.equal(await code(c.create(dir.fh, 'f', 0o644)), 'OK', 'non-exclusive create opens the existing file');
    assert.equal(await code(c.rmdir(c.root, 'd')), 'ENOTEMPTY');
    assert.equal(await code(c.lookup(file.fh, 'x')), 'ENOTDIR');
    assert.equal(await code(c.remove(c.root, 'd')), 'EISDIR');
    assert.equal(await code(c.resolve('/d/f/x')), 'ENOTDIR');
    assert.equal(await code(c.mkdir(c.root, 'x'.repeat(256), 0o755)), 'ENAMETOOLONG');
    await c.remove(dir.fh, 'f');
    assert.equal(await code(c.getattr(file.fh)), 'ESTALE');
  });

  it('checks permissions as the caller given per call', async () => {
    const priv = (await c.mkdir(c.root, 'priv', 0o700)).attr;
    assert.equal(await code(c.create(priv.fh, 'f', 0o644, {}, ALICE)), 'EACCES');
    assert.equal(await code(c.access(priv.fh, 4, ALICE)), 'EACCES');
    assert.equal(await code(c.access(priv.fh, 4)), 'OK');
    const pub = (await c.mkdir(c.root, 'pub', 0o777)).attr;
    const mine = (await c.create(pub.fh, 'mine', 0o600, {}, ALICE)).attr;
    assert.equal(mine.uid, 1000);
    assert.equal(await code(c.setattr(mine.fh, { uid: 0 }, ALICE)), 'EPERM');
  });

  it('symlink, readlink, link, rename and statfs', async () => {
    const f = (await c.create(c.root, 'f', 0o644)).attr;
    await c.write(f.fh, 0, text('abc'));
    await c.write(f.fh, 0, text('de'), { append: true });
    assert.deepEqual(new Uint8Array((await c.read(f.fh, 0, 100)).data), text('abcde'));
    const link = await c.symlink(c.root, 's', 'f');
    assert.equal(link.attr.type, 'FT_LNK');
    assert.equal(await c.readlink(link.attr.fh), 'f');
    assert.equal((await c.link(f.fh, c.root, 'g')).attr.nlink, 2);
    await c.rename(c.root, 'g', c.root, 'h');
    assert.deepEqual((await c.resolve('/h')).fh, f.fh);
    assert.equal(await code(c.resolve('/g')), 'ENOENT');
    const fs = await c.statfs();
    assert.ok(fs.namemax >= 255 && fs.files > 0);
  });

  it('setattr sets times from the agreed clock and explicit values', async () => {
    const f = (await c.create(c.root, 'f', 0o644)).attr;
    now += 5000;
    const a = await c.setattr(f.fh, { mtimeNow: true, atime: { sec: 42, nsec: 0 } });
    assert.equal(a.mtime.sec, Math.floor(now / 1000));
    assert.equal(a.atime.sec, 42);
    assert.equal((await c.setattr(f.fh, { size: 10 })).size, 10);
  });

  it('readdirAll pages through a large directory', async () => {
    const d = (await c.mkdir(c.root, 'many', 0o755)).attr;
    for (let i = 0; i < 1300; i++) await c.create(d.fh, `f${i}`, 0o644);
    const names = (await c.readdirAll(d.fh)).map((e) => e.name).filter((n) => n !== '.' && n !== '..');
    assert.equal(names.length, 1300);
    assert.equal(new Set(names).size, 1300);
  });
});
