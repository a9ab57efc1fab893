// `bfs status`: each replica's view, primary, last executed, stable checkpoint
// and whether it answers, from the Status RPC.
import type { Command } from 'commander';
import { loadConfig, resolveConfigPath } from './cluster-files.js';
import { parseCount } from './errors.js';
import { formatStatusTable, summarize, type StatusRow } from './status-table.js';

interface StatusOptions { config?: string; timeout: number; json?: boolean }

export async function collectStatus(configPath: string, timeoutMs: number): Promise<{ rows: StatusRow[]; f: number }> {
  const config = loadConfig(configPath);
  const { fetchStatus } = await import('../transport/grpc.js');
  const rows = await Promise.all(config.replicas.map(async (r): Promise<StatusRow> => {
    const address = `${r.host}:${r.port}`;
    try {
      return { id: r.id, address, status: await fetchStatus(address, timeoutMs) };
    } catch (err) {
      return { id: r.id, address, status: null, error: (err as Error).message };
    }
  }));
  return { rows, f: config.f };
}

export function register(program: Command): void {
  program.command('status')
    .description("show each replica's view, primary, last executed request, stable checkpoint and health")
    .option('--config <file>', 'cluster file (default: $BFS_CONFIG or ./.bfs/cluster.json)')
    .option('--timeout <ms>', 'how long to wait for each replica', parseCount('--timeout', 1), 1000)
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: StatusOptions) => {
      const { rows, f } = await collectStatus(resolveConfigPath(opts.config), opts.timeout);
      const sum = summarize(rows, f);
      if (opts.json) {
        const json = rows.map((r) => ({ ...r, status: r.status && { ...r.status, stateDigest: Buffer.from(r.status.stateDigest).toString('hex') } }));
        process.stdout.write(JSON.stringify({ ...sum, replicas: json }, null, 2) + '\n');
      } else {
        process.stdout.write(formatStatusTable(rows));
        process.stdout.write(sum.view === null
          ? 'no replica answers: is the group running? (bfs up)\n'
          : `view ${sum.view}, primary replica ${sum.primary}; ${sum.answering}/${rows.length} answering${sum.quorum ? '' : `, BELOW the quorum of ${2 * f + 1}: requests cannot complete`}\n`);
      }
      if (!sum.quorum) process.exitCode = 2;
    });
}
