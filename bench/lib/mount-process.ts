// A `bfs mount` child process: started, awaited until the kernel lists the
// mount, and stopped with SIGINT (the command unmounts cleanly), falling back
// to `fusermount -uz` if it dies or hangs.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { exited, isRunning, onCleanup, sleep, spawnLogged } from './children.js';
import { BFS_BIN, REPO_ROOT } from './paths.js';

const execFileAsync = promisify(execFile);

export interface MountOptions {
  mountpoint: string;
  configPath: string;
  keyPath: string;
  logFile: string;
  /** Extra `bfs mount` flags (e.g. the strict, no read-only-optimization mode). */
  extraArgs?: string[];
  readyTimeoutMs?: number;
}

export async function isMounted(mountpoint: string): Promise<boolean> {
  const mounts = await readFile('/proc/mounts', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[1] === mountpoint);
}

export class MountProcess {
  private readonly unregister: () => void;

  private constructor(readonly mountpoint: string, readonly child: ChildProcess, private readonly logFile: string) {
    this.unregister = onCleanup(() => this.stop());
  }

  static async start(opts: MountOptions): Promise<MountProcess> {
    await mkdir(opts.mountpoint, { recursive: true });
    const args = [BFS_BIN, 'mount', opts.mountpoint, '--config', opts.configPath, '--key', opts.keyPath, ...(opts.extraArgs ?? [])];
    const child = spawnLogged(process.execPath, args, { cwd: REPO_ROOT, logFile: opts.logFile });
    const mount = new MountProcess(opts.mountpoint, child, opts.logFile);
    // Generous: under load, starting tsx + fuse-native + connecting takes tens of seconds.
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
    while (!(await isMounted(opts.mountpoint))) {
      if (!isRunning(child)) throw new Error(`bfs mount exited before mounting ${opts.mountpoint}; see ${opts.logFile}`);
      if (Date.now() > deadline) {
        await mount.stop();
        throw new Error(`bfs mount did not mount ${opts.mountpoint} in time; see ${opts.logFile}`);
      }
      await sleep(100);
    }
    return mount;
  }

  async stop(): Promise<void> {
    this.unregister();
    if (isRunning(this.child)) {
      this.child.kill('SIGINT');
      await Promise.race([exited(this.child), sleep(10_000)]);
      if (isRunning(this.child)) this.child.kill('SIGKILL');
    }
    if (await isMounted(this.mountpoint)) await forceUnmount(this.mountpoint);
  }

  toString(): string {
    return `bfs mount ${this.mountpoint} (log ${this.logFile})`;
  }
}

/** Lazy unmount: works even when the FUSE server is gone (ENOTCONN). */
export async function forceUnmount(mountpoint: string): Promise<void> {
  try {
    await execFileAsync('fusermount', ['-uz', mountpoint]);
  } catch {
    // Already unmounted, or fusermount missing: nothing more we can do here.
  }
}
