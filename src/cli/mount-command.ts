// `bfs mount MOUNTPOINT` / `bfs umount MOUNTPOINT`: the FUSE adapter lives in
// mount/ (fuse-native) and is loaded only when these commands run, so the rest
// of the CLI works on machines without FUSE.
import type { Command } from 'commander';
import { UserError } from './errors.js';

export interface MountCliOptions { config?: string; key?: string; o?: string[] }

interface MountModule {
  runMount(mountpoint: string, opts: MountCliOptions): Promise<void>;
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
    .action(async (mountpoint: string, opts: MountCliOptions) => {
      await (await loadMount()).runMount(mountpoint, opts);
    });
  program.command('umount')
    .description('unmount a bfs mount')
    .argument('<mountpoint>')
    .action(async (mountpoint: string) => {
      await (await loadMount()).unmount(mountpoint);
    });
}
