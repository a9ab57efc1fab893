// BfsClient over a scripted invoker: what it sends, how it maps errno results
// to FsError, and how it rejects replies that do not match the request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BfsClient, splitPath } from '../../src/client/bfs-client.js';
import { errnoCode, FsError } from '../../src/client/fs-error.js';
import type { Invoker } from '../../src/client/invoker.js';
import type { Attr, FsRequest, FsResult } from '../../src/fs/types.js';

const ts = { sec: 0, nsec: 0 };
function attr(ino: number): Attr {
  return { fh: { ino, gen: 0 }, type: 'FT_REG', mode: 0o100644, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, atime: ts, mtime: ts, ctime: ts };
}

class ScriptedInvoker implements Invoker {
  readonly sent: FsRequest[] = [];
  constructor(private readonly answer: (req: FsRequest) => FsResult) {}
  async invoke(req: FsRequest): Promise<FsResult> {
    this.sent.push(req);
    return this.answer(req);
  }
  async close(): Promise<void> {}
}

const cred = { uid: 1000, gid: 1000, groups: [1000] };

describe('BfsClient errors', () => {
  it('throws FsError with errno, code and a message naming op and target', async () => {
    const client = new BfsClient(new ScriptedInvoker(() => ({ errno: 2 })), { cred });
    await assert.rejects(client.lookup({ ino: 7, gen: 0 }, 'missing'), (err: unknown) => {
      assert.ok(err instanceof FsError);
      assert.equal(err.errno, 2);
      assert.equal(err.code, 'ENOENT');
      assert.match(err.message, /^lookup missing in ino 7: ENOENT/);
      return true;
    });
  });

  it('names the path in errors from path helpers', async () => {
    const client = new BfsClient(new ScriptedInvoker((req) => (req.op === 'getattr' ? { errno: 0, res: 'attr', attr: { attr: attr(1) } } : { errno: 20 })), { cred });
    await assert.rejects(client.resolve('/a/b'), (err: unknown) => {
      assert.ok(err instanceof FsError);
      assert.equal(err.code, 'ENOTDIR');
      assert.match(err.message, /path \/a\/b/);
      return true;
    });
  });

  it('rejects a success reply whose body does not fit the op with EIO', async () => {
    const client = new BfsClient(new ScriptedInvoker(() => ({ errno: 0, res: 'access', access: {} })), { cred });
    await assert.rejects(client.getattr({ ino: 1, gen: 0 }), (err: unknown) => err instanceof FsError && err.code === 'EIO');
  });

  it('maps errno numbers to their POSIX names', () => {
    assert.equal(errnoCode(13), 'EACCES');
    assert.equal(errnoCode(39), 'ENOTEMPTY');
    assert.equal(errnoCode(116), 'ESTALE');
    assert.equal(errnoCode(99999), 'EUNKNOWN');
  });
});

describe('BfsClient requests', () => {
  it('uses the client credentials by default and per-call credentials when given', async () => {
    const invoker = new ScriptedInvoker(() => ({ errno: 0, res: 'access', access: {} }));
    const client = new BfsClient(invoker, { cred });
    await client.access({ ino: 1, gen: 0 }, 4);
    await client.access({ ino: 1, gen: 0 }, 2, { uid: 5, gid: 6, groups: [] });
    assert.deepEqual(invoker.sent.map((r) => r.cred.uid), [1000, 5]);
    assert.deepEqual(invoker.sent[1], { cred: { uid: 5, gid: 6, groups: [] }, op: 'access', access: { fh: { ino: 1, gen: 0 }, mask: 2 } });
  });

  it('readdirAll follows cookies until eof', async () => {
    const invoker = new ScriptedInvoker((req) => {
      assert.equal(req.op, 'readdir');
      const cookie = req.op === 'readdir' ? req.readdir.cookie : -1;
      const entries = cookie === 0
        ? [{ name: 'a', fh: { ino: 2, gen: 0 }, type: 'FT_REG' as const, cookie: 10 }]
        : [{ name: 'b', fh: { ino: 3, gen: 0 }, type: 'FT_REG' as const, cookie: 20 }];
      return { errno: 0, res: 'readdir', readdir: { entries, eof: cookie !== 0, dirAttr: attr(1) } };
    });
    const client = new BfsClient(invoker, { cred });
    const names = (await client.readdirAll({ ino: 1, gen: 0 })).map((e) => e.name);
    assert.deepEqual(names, ['a', 'b']);
    assert.deepEqual(invoker.sent.map((r) => (r.op === 'readdir' ? r.readdir.cookie : -1)), [0, 10]);
  });

  it('splits paths into names', () => {
    assert.deepEqual(splitPath('/'), []);
    assert.deepEqual(splitPath('/a//b/./c/'), ['a', 'b', 'c']);
  });
});
