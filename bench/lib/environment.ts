// What a result was measured on: printed beside every table so numbers can be
// compared (or not) across machines and commits.
import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface Environment {
  date: string;
  commit: string;
  dirty: boolean;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run ended: other work on the machine skews numbers. */
  loadAverage1m: number;
}

export async function describeEnvironment(cwd: string): Promise<Environment> {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    // A run from an exported snapshot (no .git) names its commit in BFS_BENCH_COMMIT.
    commit: process.env.BFS_BENCH_COMMIT ?? await git(cwd, ['rev-parse', '--short', 'HEAD']),
    dirty: process.env.BFS_BENCH_COMMIT ? false : (await git(cwd, ['status', '--porcelain', '--untracked-files=no'])) !== '',
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: Math.round(loadavg()[0] * 10) / 10,
  };
}

export function environmentLine(env: Environment): string {
  return `${env.date} · commit ${env.commit}${env.dirty ? ' (dirty tree)' : ''} · ${env.cores} cores (${env.cpuModel}) · ` +
    `${env.memoryGiB} GiB · Node ${env.node} · ${env.platform} · load average ${env.loadAverage1m} at the end`;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await execFileAsync('git', args, { cwd })).stdout.trim();
  } catch {
    return 'unknown';
  }
}
