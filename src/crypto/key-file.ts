// A node's secret identity on disk: JSON, mode 0600.
//   { "kind": "bfs-identity", "id": 0, "ed25519Secret": b64, "x25519Secret": b64 }
// Reading never crashes on a bad file: it throws one Error naming the file and the problem.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { KEY_BYTES, type Identity } from './provider.js';

export const KEY_FILE_KIND = 'bfs-identity';

export interface KeyFile { id: number; identity: Identity }

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Decodes strict base64 of exactly `length` bytes; returns an error string otherwise. */
export function fromBase64(text: unknown, length: number): Uint8Array | string {
  if (typeof text !== 'string') return 'must be a base64 string';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return 'is not valid base64';
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  if (bytes.length !== length) return `must decode to ${length} bytes, got ${bytes.length}`;
  return bytes;
}

export function writeKeyFile(path: string, key: KeyFile): void {
  const json = {
    kind: KEY_FILE_KIND,
    id: key.id,
    ed25519Secret: toBase64(key.identity.ed25519Secret),
    x25519Secret: toBase64(key.identity.x25519Secret),
  };
  writeFileSync(path, JSON.stringify(json, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);   // writeFileSync keeps the mode of an existing file
}

export function readKeyFile(path: string): KeyFile {
  const fail = (problem: string): never => { throw new Error(`key file ${path}: ${problem}`); };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'does not exist (create keys with `bfs init DIR`)' : `cannot be read (${code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail(`is not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('must hold a JSON object');
  const obj = json as Record<string, unknown>;
  if (obj.kind !== KEY_FILE_KIND) fail(`"kind" must be "${KEY_FILE_KIND}", got ${JSON.stringify(obj.kind)}`);
  if (typeof obj.id !== 'number' || !Number.isInteger(obj.id) || obj.id < 0) fail('"id" must be a non-negative integer');
  const secret = (field: string): Uint8Array => {
    const bytes = fromBase64(obj[field], KEY_BYTES);
    return typeof bytes === 'string' ? fail(`"${field}" ${bytes}`) : bytes;
  };
  return { id: obj.id as number, identity: { ed25519Secret: secret('ed25519Secret'), x25519Secret: secret('x25519Secret') } };
}
