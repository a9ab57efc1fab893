// PathCache: handles by path, attributes by inode (so hard links agree), and
// forgetting a renamed directory forgets everything below it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PathCache } from '../../mount/path-cache.js';
import type { Attr } from '../../src/fs/types.js';

const ts = { sec: 0, nsec: 0 };
function attr(ino: number, size = 0, gen = 1): Attr {
  return { fh: { ino, gen }, type: 'FT_REG', mode: 0o100644, nlink: 1, uid: 0, gid: 0, size, blocks: 0, atime: ts, mtime: ts, ctime: ts };
}
const options = { entryTtlMs: 60_000, attrTtlMs: 60_000, entriesMax: 100 };

describe('PathCache', () => {
  it('keys attributes by inode, so every name of a file sees one size', () => {
    const cache = new PathCache(options);
    cache.put('/a', attr(5, 10));
    cache.putHandle('/b', { ino: 5, gen: 1 });
    cache.putAttr(attr(5, 99));
    assert.equal(cache.attr(cache.handle('/a') ?? { ino: 0, gen: 0 })?.size, 99);
    assert.equal(cache.attr(cache.handle('/b') ?? { ino: 0, gen: 0 })?.size, 99);
  });

  it('ignores attributes of another generation of the inode', () => {
    const cache = new PathCache(options);
    cache.putAttr(attr(5, 10, 1));
    assert.equal(cache.attr({ ino: 5, gen: 2 }), undefined);
  });

  it('forget drops one path; forgetTree drops a directory and everything below it', () => {
    const cache = new PathCache(options);
    for (const [path, ino] of [['/d', 2], ['/d/x', 3], ['/d/x/y', 4], ['/dd', 6]] as const) cache.put(path, attr(ino));
    cache.forget('/d/x/y');
    assert.equal(cache.handle('/d/x/y'), undefined);
    assert.ok(cache.handle('/d/x'));
    cache.forgetTree('/d');
    assert.equal(cache.handle('/d'), undefined);
    assert.equal(cache.handle('/d/x'), undefined);
    assert.ok(cache.handle('/dd'), 'a sibling sharing the prefix survives');
  });
});
