// WriteBehind alone (no FUSE): what it sends, in what order, what a read or
// getattr on this mount sees meanwhile, and when a failure is reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attr, Handle, WriteRes } from '../../src/fs/types.js';
import { WriteBehind, type WriteBehindOptions } from '../../mount/write-behind.js';

const FH: Handle = { ino: 7, gen: 1 };

interface Sent { offset: number; data: Uint8Array }

/** A file of `size` bytes as the group holds it, plus the writes it received. */
function fakeGroup(options: Partial<WriteBehindOptions> = {}): { wb: WriteBehind; sent: Sent[]; file: { bytes: Uint8Array }; fail: { next?: Error } } {
  const sent: Sent[] = [];
  const file = { bytes: new Uint8Array(0) };
  const fail: { next?: Error } = {};
  const wb = new WriteBehind({
    maxWriteBytes: 16,
    maxKeptBytes: 64,
    maxExtents: 8,
    maxAgeMs: 60_000,
    send: async (fh, offset, data): Promise<WriteRes> => {
      await Promise.resolve();
      if (fail.next !== undefined) {
        const err = fail.next;
        fail.next = undefined;
        throw err;
      }
      sent.push({ offset, data: data.slice() });
      const end = offset + data.length;
      if (end > file.bytes.length) {
        const grown = new Uint8Array(end);
        grown.set(file.bytes);
        file.bytes = grown;
      }
      file.bytes.set(data, offset);
      return { count: data.length, attr: attr(fh, file.bytes.length) };
    },
    onSent: () => {},
    ...options,
  });
  return { wb, sent, file, fail };
}

function attr(fh: Handle, size: number): Attr {
  const t = { sec: 1000, nsec: 0 };
  return { fh, type: 'FT_REG', mode: 0o100644, nlink: 1, uid: 0, gid: 0, size, blocks: 0, atime: t, mtime: t, ctime: t };
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

describe('WriteBehind', () => {
  it('sends consecutive small writes as one write when the file is flushed', async () => {
    const { wb, sent, file } = fakeGroup();
    assert.equal(await wb.write(FH, 0, bytes('abc')), 3);
    assert.equal(await wb.write(FH, 3, bytes('def')), 3);
    assert.equal(sent.length, 0, 'nothing sent before the flush');
    await wb.flush(FH);
    assert.deepEqual(sent.map((s) => [s.offset, text(s.data)]), [[0, 'abcdef']]);
    assert.equal(text(file.bytes), 'abcdef');
    assert.equal(wb.pendingFiles, 0);
  });

  it('merges scattered and overlapping writes (the newest bytes win) and splits extents at maxWriteBytes', async () => {
    const { wb, sent, file } = fakeGroup();
    await wb.write(FH, 10, bytes('KLMN'));
    await wb.write(FH, 0, bytes('abcd'));
    await wb.write(FH, 12, bytes('xyz'));   // overlaps the end of KLMN
    await wb.write(FH, 4, bytes('efghij')); // joins 0..4 and 10..15 into one extent
    await wb.write(FH, 40, bytes('far'));   // a separate extent after a hole
    await wb.flush(FH);
    assert.deepEqual(sent.map((s) => [s.offset, text(s.data)]), [[0, 'abcdefghijKLxyz'], [40, 'far']]);
    assert.equal(text(file.bytes.subarray(0, 15)), 'abcdefghijKLxyz');
    const { wb: wb2, sent: sent2 } = fakeGroup();
    await wb2.write(FH, 0, bytes('0123456789'));
    await wb2.write(FH, 10, bytes('abcdefghij'));
    await wb2.flush(FH);
    assert.deepEqual(sent2.map((s) => [s.offset, s.data.length]), [[0, 16], [16, 4]], 'at most maxWriteBytes per request');
  });

  it('fills small gaps with zeros only past the end of file the group last reported to this mount', async () => {
    const { wb, sent } = fakeGroup({ gapFillBytes: 8 });
    wb.sawSize(attr(FH, 0)); // created here, empty
    await wb.write(FH, 0, bytes('abcd'));
    await wb.write(FH, 6, bytes('efgh'));
    await wb.write(FH, 30, bytes('far')); // 20 bytes on: a real hole, left alone
    await wb.flush(FH);
    assert.deepEqual(sent.map((s) => [s.offset, text(s.data)]), [[0, 'abcd\0\0efgh'], [30, 'far']]);
    sent.length = 0;
    // Now the group's file is 33 bytes long: a gap inside it holds data, never overwrite it.
    await wb.write(FH, 0, bytes('AB'));
    await wb.write(FH, 4, bytes('CD'));
    await wb.flush(FH);
    assert.deepEqual(sent.map((s) => [s.offset, text(s.data)]), [[0, 'AB'], [4, 'CD']]);
    const { wb: unknown, sent: sent2 } = fakeGroup({ gapFillBytes: 8 });
    await unknown.write(FH, 0, bytes('ab'));
    await unknown.write(FH, 4, bytes('cd'));
    await unknown.flush(FH);
    assert.equal(sent2.length, 2, 'no size seen from the group: no filling');
  });

  it('sends a full-sized write at once, after the bytes kept before it', async () => {
    const { wb, sent } = fakeGroup();
    await wb.write(FH, 0, bytes('small'));
    assert.equal(await wb.write(FH, 2, bytes('0123456789abcdefXY')), 18);
    assert.deepEqual(sent.map((s) => [s.offset, text(s.data)]), [[0, 'small'], [2, '0123456789abcdefXY']]);
  });

  it('sends once a file keeps more than maxKeptBytes or maxExtents', async () => {
    const { wb, sent } = fakeGroup();
    for (let i = 0; i < 9; i++) await wb.write(FH, i * 10, bytes('12345'));
    assert.ok(sent.length > 0, 'nine separate extents exceed maxExtents = 8');
    const { wb: wb2, sent: sent2 } = fakeGroup();
    for (let i = 0; i < 5; i++) await wb2.write(FH, i * 15, bytes('0123456789abcde'));
    assert.ok(sent2.length > 0, '75 kept bytes exceed maxKeptBytes = 64');
  });

  it('sends kept bytes after maxAgeMs even if the file is never flushed', async () => {
    let resolveSent: () => void = () => {};
    const sentOnce = new Promise<void>((resolve) => { resolveSent = resolve; });
    const wb = new WriteBehind({
      maxWriteBytes: 16, maxKeptBytes: 64, maxExtents: 8, maxAgeMs: 5,
      send: async (fh, _offset, data) => ({ count: data.length, attr: attr(fh, data.length) }),
      onSent: () => resolveSent(),
    });
    // The timer does not hold the process open (unref): something else must.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await wb.write(FH, 0, bytes('later'));
      await sentOnce;
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('shows kept bytes to this mount: reads lay them over the group\'s bytes, attributes grow', async () => {
    const { wb, file } = fakeGroup();
    await wb.write(FH, 0, bytes('0123456789'));
    await wb.flush(FH);
    await wb.write(FH, 2, bytes('AB'));
    await wb.write(FH, 14, bytes('ZZ')); // past the end: opens a hole
    await wb.sent(FH);
    const group = file.bytes.subarray(0, 10);
    assert.equal(text(wb.overlay(FH, 0, 100, group, 10)), '01AB456789\0\0\0\0ZZ');
    assert.equal(text(wb.overlay(FH, 12, 3, new Uint8Array(0), 10)), '\0\0Z');
    const seen = wb.withKept(attr(FH, 10));
    assert.equal(seen.size, 16);
    assert.ok(seen.mtime.sec >= 1000);
    assert.equal(wb.withKept(attr({ ino: 8, gen: 1 }, 3)).size, 3, 'another file is untouched');
  });

  it('changes the epoch when kept bytes leave, so a read that raced them asks again', async () => {
    const { wb } = fakeGroup();
    await wb.write(FH, 0, bytes('x'));
    const before = wb.epoch(FH);
    await wb.settle(FH);
    assert.notEqual(wb.epoch(FH), before);
  });

  it('reports a failed kept write once, at the next flush, not at settle', async () => {
    const { wb, fail } = fakeGroup();
    await wb.write(FH, 0, bytes('lost'));
    fail.next = Object.assign(new Error('ENOSPC'), { errno: 28 });
    await wb.settle(FH); // a getattr or a read: not the one to report it
    await assert.rejects(wb.flush(FH), /ENOSPC/);
    await wb.flush(FH); // reported once
    assert.equal(wb.pendingFiles, 0);
  });

  it('reports a failed kept write at the next write of the file', async () => {
    const { wb, fail } = fakeGroup();
    await wb.write(FH, 0, bytes('lost'));
    fail.next = new Error('EDQUOT');
    await wb.settle(FH);
    await assert.rejects(wb.write(FH, 4, bytes('more')), /EDQUOT/);
  });

  it('settleAll sends every file and returns failures nobody heard of', async () => {
    const { wb, sent, fail } = fakeGroup();
    await wb.write(FH, 0, bytes('one'));
    await wb.write({ ino: 9, gen: 1 }, 0, bytes('two'));
    fail.next = new Error('gone');
    const errors = await wb.settleAll();
    assert.equal(errors.length, 1);
    assert.equal(sent.length, 1);
    assert.equal(wb.pendingFiles, 0);
  });
});
