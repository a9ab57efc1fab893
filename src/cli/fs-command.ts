// `bfs fs ls|cat|put|mkdir|rm|stat PATH`: file operations without a mount, for scripts.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Attr } from '../fs/types.js';
import type { BfsClient } from '../client/bfs-client.js';
import { isFsError } from '../client/fs-error.js';
import { openClient, type ConnectCliOptions } from './connect.js';
import { UserError } from './errors.js';

function parent(path: string): { dir: string; name: string } {
  const names = path.split('/').filter((n) => n !== '' && n !== '.');
  const name = names.pop();
  if (name === undefined) throw new UserError(`"${path}" names the root; give a path below it`);
  return { dir: '/' + names.join('/'), name };
}

function formatAttr(path: string, a: Attr): string {
  return [`path:  ${path}`, `type:  ${a.type}`, `mode:  ${(a.mode & 0o7777).toString(8).padStart(4, '0')}`, `size:  ${a.size}`,
    `links: ${a.nlink}`, `uid:   ${a.uid}`, `gid:   ${a.gid}`, `ino:   ${a.fh.ino} (gen ${a.fh.gen})`,
    `mtime: ${new Date(a.mtime.sec * 1000 + Math.floor(a.mtime.nsec / 1e6)).toISOString()}`].join('\n') + '\n';
}

async function stdinBytes(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export const FS_ACTIONS: Record<string, (c: BfsClient, path: string, arg?: string) => Promise<void>> = {
  async ls(c, path) {
    const attr = await c.resolve(path);
    if (attr.type !== 'FT_DIR') { process.stdout.write(`${path}\n`); return; }
    for (const e of await c.readdirAll(attr.fh)) {
      if (e.name === '.' || e.name === '..') continue;
      process.stdout.write(`${e.type === 'FT_DIR' ? `${e.name}/` : e.name}\n`);
    }
  },
  async cat(c, path) { process.stdout.write(await c.readFile(path)); },
  async put(c, path, from) {
    const data = from === undefined || from === '-' ? await stdinBytes() : new Uint8Array(await readFile(from));
    const attr = await c.writeFile(path, data);
    process.stderr.write(`wrote ${attr.size} bytes to ${path}\n`);
  },
  async mkdir(c, path) { const { dir, name } = parent(path); await c.mkdir((await c.resolve(dir)).fh, name, 0o755); },
  async rm(c, path) {
    const { dir, name } = parent(path);
    const d = await c.resolve(dir);
    const target = await c.resolve(path);
    await (target.type === 'FT_DIR' ? c.rmdir(d.fh, name) : c.remove(d.fh, name));
  },
  async stat(c, path) { process.stdout.write(formatAttr(path, await c.resolve(path))); },
};

async function runFs(action: string, path: string, arg: string | undefined, opts: ConnectCliOptions): Promise<void> {
  const client = await openClient(opts);
  try {
    await FS_ACTIONS[action](client, path, arg);
  } catch (err) {
    if (isFsError(err)) throw new UserError(`${action} ${path} failed: ${err.code}`, err.message);
    throw err;
  } finally {
    await client.close();
  }
}

export function register(program: Command): void {
  const fs = program.command('fs').description('file operations on the group without a mount (for scripts)');
  const add = (name: string, description: string, extra?: string): void => {
    const cmd = fs.command(name).description(description).argument('<path>', 'absolute path in bfs, e.g. /docs/a.txt');
    if (extra) cmd.argument(extra);
    cmd.option('--config <file>', 'cluster file (default: $BFS_CONFIG or ./.bfs/cluster.json)')
      .option('--key <file>', 'client key file (default: the first client key beside the cluster file)')
      .action(async (path: string, ...rest: unknown[]) => {
        const arg = extra ? (rest[0] as string | undefined) : undefined;
        const opts = (extra ? rest[1] : rest[0]) as ConnectCliOptions;
        await runFs(name, path, arg, opts);
      });
  };
  add('ls', 'list a directory');
  add('cat', 'print a file');
  add('put', 'write a file from FILE (or stdin when FILE is - or absent)', '[file]');
  add('mkdir', 'create a directory');
  add('rm', 'remove a file or an empty directory');
  add('stat', 'show attributes');
}
