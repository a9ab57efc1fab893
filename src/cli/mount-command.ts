// `bfs mount MOUNTPOINT` / `bfs umount MOUNTPOINT`: the FUSE adapter lives in
// mount/ (fuse-native) and is loaded only when these commands run, so the rest
// of the CLI works on machines without FUSE.
import type { Command } from 'commander';
import type { BfsClient } from '../client/bfs-client.js';
import { createLogger, type Logger } from '../replica/logger.js';
import { openClient } from './connect.js';
import { UserError } from './errors.js';

export interface MountCliOptions { config?: string; key?: string; o?: string[]; readOnlyOpt?: boolean }

interface MountModule {
  runMount(args: { mountpoint: string; client: BfsClient; options?: { fuseOptions?: string[]; log?: Logger } }): Promise<void>;
  unmount(mountpoint: string): Promise<void>;
}

async function loadMount(): Promise<MountModule> {
  const path = '../../mount/mount-command.js';
  try {
    return (await import(path)) as MountModule;
  } catch (err) {
    throw new UserError(`cannot load the FUSE adapter (mount/mount-command.ts): ${(err as Error).message}`, 'is fuse-native installed? run `npm run setup` on a fresh machine');
  }
}

export function register(program: Command): void {
  program.command('mount')
    .description('mount the replicated file system with FUSE (Ctrl-C unmounts)')
    .argument('<mountpoint>', 'an empty directory')
    .option('--config <file>', 'cluster file (default: $BFS_CONFIG or ./.bfs/cluster.json)')
    .option('--key <file>', 'client key file (default: the first client key beside the cluster file)')
    .option('-o <opts>', 'mount options, comma separated (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-read-only-opt', 'send read-only ops through the ordered path too (BFS-strict, for benchmarks)')
    .action(async (mountpoint: string, opts: MountCliOptions) => {
      const mod = await loadMount();
      const fuseOptions = (opts.o ?? []).flatMap((o) => o.split(',')).filter((o) => o !== '');
      const log = createLogger({ base: { name: 'bfs-mount' } });
      await mod.runMount({ mountpoint, client: await openClient(opts), options: { fuseOptions, log } });
    });
  program.command('umount')
    .description('unmount a bfs mount')
    .argument('<mountpoint>')
    .action(async (mountpoint: string) => {
      await (await loadMount()).unmount(mountpoint);
    });
}
