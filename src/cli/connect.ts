// Opens a BfsClient to the group named by --config/--key (or their defaults).
import type { BfsClient } from '../client/bfs-client.js';
import { defaultClientKeyPath, loadConfig, resolveConfigPath } from './cluster-files.js';
import { UserError } from './errors.js';

export interface ConnectCliOptions { config?: string; key?: string; readOnlyOpt?: boolean }

interface ConnectModule {
  connectBfs(options: { configPath: string; keyPath: string; readOnlyOptimization?: boolean }): Promise<BfsClient>;
}

export async function openClient(opts: ConnectCliOptions): Promise<BfsClient> {
  const configPath = resolveConfigPath(opts.config);
  const config = loadConfig(configPath);
  const keyPath = opts.key ?? defaultClientKeyPath(configPath, config);
  const path = '../client/pbft-invoker.js';
  const mod = (await import(path)) as ConnectModule;
  try {
    return await mod.connectBfs({ configPath, keyPath, readOnlyOptimization: opts.readOnlyOpt });
  } catch (err) {
    throw new UserError(`cannot connect to the group in ${configPath}: ${(err as Error).message}`);
  }
}
