// Byte-for-byte check of a copied tree against the original (sha256 per file).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceTree } from './source-tree.js';

export interface VerifyResult { files: number; bytes: number; mismatches: string[] }

/** Compare every file of `tree` with its copy under `copyRoot`; async only. */
export async function verifyCopy(tree: SourceTree, copyRoot: string): Promise<VerifyResult> {
  const result: VerifyResult = { files: 0, bytes: 0, mismatches: [] };
  for (const file of tree.files) {
    const want = sha256(await readFile(join(tree.root, file.path)));
    let got: string;
    try {
      const data = await readFile(join(copyRoot, file.path));
      result.bytes += data.length;
      got = sha256(data);
    } catch (err) {
      result.mismatches.push(`${file.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    result.files++;
    if (got !== want) result.mismatches.push(`${file.path}: sha256 ${got.slice(0, 12)}… != ${want.slice(0, 12)}…`);
  }
  return result;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
