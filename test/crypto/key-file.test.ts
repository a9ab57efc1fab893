import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readKeyFile, writeKeyFile } from '../../src/crypto/key-file.js';
import { nativeProvider } from '../../src/crypto/native.js';

const dir = mkdtempSync(join(tmpdir(), 'bfs-keys-'));

test('a key file round-trips and is private (0600)', () => {
  const identity = nativeProvider.generateIdentity();
  const path = join(dir, 'k.json');
  writeKeyFile(path, { id: 3, identity });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const back = readKeyFile(path);
  assert.equal(back.id, 3);
  assert.deepEqual(back.identity, identity);
});

test('bad key files throw errors naming the file and the problem', () => {
  const good = { kind: 'bfs-identity', id: 0, ed25519Secret: Buffer.alloc(32, 1).toString('base64'), x25519Secret: Buffer.alloc(32, 2).toString('base64') };
  const cases: Array<[string, string | null, RegExp]> = [
    ['missing.json', null, /does not exist/],
    ['garbage.json', '{not json', /not valid JSON/],
    ['array.json', '[]', /JSON object/],
    ['kind.json', JSON.stringify({ ...good, kind: 'other' }), /"kind"/],
    ['id.json', JSON.stringify({ ...good, id: -1 }), /"id"/],
    ['short.json', JSON.stringify({ ...good, ed25519Secret: Buffer.alloc(31).toString('base64') }), /"ed25519Secret" must decode to 32 bytes/],
    ['b64.json', JSON.stringify({ ...good, x25519Secret: '!!!!' }), /"x25519Secret" is not valid base64/],
    ['absent.json', JSON.stringify({ kind: 'bfs-identity', id: 1 }), /"ed25519Secret" must be a base64 string/],
  ];
  for (const [name, text, problem] of cases) {
    const path = join(dir, name);
    if (text !== null) writeFileSync(path, text);
    assert.throws(() => readKeyFile(path), (err: Error) => err.message.includes(path) && problem.test(err.message), name);
  }
  assert.throws(() => readKeyFile(dir), /cannot be read \(EISDIR\)/);
});
