// Writes one benchmark's results: bench/results/<name>.json (raw + summary),
// <name>.md (the table people read) and <name>.svg (the plot).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_DIR } from './paths.js';

export const RESULTS_DIR = join(BENCH_DIR, 'results');

export interface ResultFiles { json: string; markdown: string; svg: string }

export async function writeResults(name: string, json: unknown, markdown: string, svg: string, dir = RESULTS_DIR): Promise<ResultFiles> {
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, `${name}.json`), markdown: join(dir, `${name}.md`), svg: join(dir, `${name}.svg`) };
  await writeFile(files.json, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(files.markdown, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  await writeFile(files.svg, svg);
  return files;
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
