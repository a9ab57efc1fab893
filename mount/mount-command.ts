// Mounting and unmounting: `bfs mount` (runMount, foreground until a signal),
// `bfs umount` (unmount), and mountBfs for tests and benchmarks that need the
// mount in their own process.
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { promisify } from 'node:util';
import { pino, type Logger } from 'pino';
import type { BfsClient } from '../src/client/bfs-client.js';
import { FuseAdapter, WRITE_REQUEST_BYTES } from './fuse-adapter.js';
import { loadFuse } from './fuse-loader.js';
import type { FuseInstance } from './fuse-types.js';
import { DEFAULT_PATH_CACHE_OPTIONS, PathCache, type PathCacheOptions } from './path-cache.js';

const execFileAsync = promisify(execFile);

/** Bytes per FUSE write request; the kernel's ceiling with its default 32 pages per request. */
export const MAX_WRITE_BYTES = WRITE_REQUEST_BYTES;
/** Above the worst view change we expect, so the kernel does not give up on an op the group is still agreeing on. */
export const DEFAULT_OP_TIMEOUT_MS = 60_000;
/** How long the kernel trusts "no such name" (see libfuseOptions). */
export const NEGATIVE_TIMEOUT_S = 1;

export interface MountOptions {
  /** Extra libfuse -o options, e.g. ['allow_other', 'attr_timeout=2']. */
  fuseOptions?: string[];
  /** fuse-native's per-operation timeout. */
  opTimeoutMs?: number;
  cache?: Partial<PathCacheOptions>;
  log?: Logger;
  /** libfuse debug output on stderr. */
  debug?: boolean;
}

export interface Mounted {
  readonly mountpoint: string;
  readonly adapter: FuseAdapter;
  /** Unmount (lazily, so busy files do not block it). Idempotent. */
  unmount(): Promise<void>;
}

/**
 * The libfuse -o options. fuse-native builds its -o string only from option
 * names it knows, none of which is big_writes or max_write; it copies the
 * `fsname` value verbatim and joins with commas, so the rest rides after it.
 * - big_writes, max_write: 128 KiB writes instead of 4 KiB (32x fewer replicated requests).
 * - use_ino: st_ino is ours, so hard links share an inode number (tar, find, du rely on it).
 * - attr_timeout=0: the kernel asks us for every stat; our PathCache is the one
 *   attribute cache (1 s), so attributes are never older than that.
 * - negative_timeout=1: the kernel remembers for 1 s that a name does not
 *   exist. A build asks again and again for names that are not there (make's
 *   `foo.o` before it is built, gcc's `lprefix.h.gch` once per compile): 279 of
 *   the 446 lookups `make` sent in the Andrew benchmark, 92 with this. Names
 *   this mount creates replace the negative entry at once; one another mount
 *   creates shows within 1 s (NFS keeps negative entries until it revalidates
 *   the directory, acdirmin = 30 s by default).
 * - default_permissions only with allow_other: fuse-native does not tell us the
 *   calling process's uid/gid, so every request acts as the mounting user; when
 *   other users can enter the mount, the kernel must check their permissions.
 *   Otherwise the file tree checks, as the mounting user. (fuse-native 2.2.6's
 *   addon calls fuse_get_context() only to find its own private_data and exports
 *   no accessor; the context is thread-local to libfuse's worker thread, which
 *   waits while our handler runs on the JS thread, so no other addon could read
 *   it either. Upstream: fuse-friends/fuse-native issue 22, "fuse.context()", open.)
 */
export function libfuseOptions(extra: string[] = []): string[] {
  for (const opt of extra) {
    if (!/^[A-Za-z0-9_]+(=[A-Za-z0-9_.:/-]*)?$/.test(opt)) throw new Error(`bad mount option '${opt}': expected name or name=value`);
  }
  const options = ['fsname=bfs', 'subtype=bfs', 'big_writes', `max_write=${MAX_WRITE_BYTES}`, 'use_ino', 'attr_timeout=0', `negative_timeout=${NEGATIVE_TIMEOUT_S}`, ...extra];
  if (extra.includes('allow_other') && !extra.includes('default_permissions')) options.push('default_permissions');
  return options;
}

function fuseNativeOptions(options: MountOptions): { timeout: number; fsname: string; debug: boolean } {
  const [fsname, ...rest] = libfuseOptions(options.fuseOptions);
  return {
    timeout: options.opTimeoutMs ?? DEFAULT_OP_TIMEOUT_MS,
    fsname: [fsname.slice('fsname='.length), ...rest].join(','),
    debug: options.debug ?? false,
  };
}

/** Is `mountpoint` (absolute) listed as a mount of this machine? */
async function isMounted(mountpoint: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  // Spaces and the like are octal-escaped in /proc/self/mounts.
  const escaped = mountpoint.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
  return mounts.split('\n').some((line) => line.split(' ')[1] === escaped);
}

/**
 * A mountpoint left by a killed mount process answers ENOTCONN. Detach it
 * (fusermount -uz) so we can mount again. Returns true when it cleaned one.
 */
export async function cleanStaleMount(mountpoint: string, log?: Logger): Promise<boolean> {
  const abs = resolvePath(mountpoint);
  try {
    await stat(abs);
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOTCONN') return false;
  }
  log?.warn({ mountpoint: abs }, 'stale FUSE mount left by a process that died; detaching it with fusermount -uz');
  await unmount(abs);
  return true;
}

/** Detach the FUSE mount at `mountpoint` (lazy: busy files do not block it). */
export async function unmount(mountpoint: string): Promise<void> {
  const abs = resolvePath(mountpoint);
  try {
    await execFileAsync('fusermount', ['-uz', abs]);
  } catch (err) {
    // fusermount sometimes answers EINVAL for a live mount; as root, umount -l still works.
    if (process.getuid?.() === 0 && (await execFileAsync('umount', ['-l', abs]).then(() => true, () => false))) return;
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`cannot unmount ${abs}: ${stderr || (err as Error).message}`, { cause: err });
  }
}

async function checkMountpoint(abs: string, log: Logger): Promise<void> {
  await cleanStaleMount(abs, log);
  const st = await stat(abs).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`mountpoint ${abs}: ${err.code === 'ENOENT' ? 'does not exist (create the directory first)' : err.message}`);
  });
  if (!st.isDirectory()) throw new Error(`mountpoint ${abs}: not a directory`);
  if (await isMounted(abs)) throw new Error(`mountpoint ${abs}: something is already mounted there (bfs umount ${abs})`);
}

/** Mount `client`'s file tree at `mountpoint` and return once the kernel serves it. */
export async function mountBfs(mountpoint: string, client: BfsClient, options: MountOptions = {}): Promise<Mounted> {
  const abs = resolvePath(mountpoint);
  const log = options.log ?? pino({ name: 'bfs-mount', level: 'warn' });
  await checkMountpoint(abs, log);
  const Fuse = await loadFuse();
  const cache = new PathCache({ ...DEFAULT_PATH_CACHE_OPTIONS, ...options.cache });
  const adapter = new FuseAdapter(client, { cache, log });
  const fuse: FuseInstance = new Fuse(abs, adapter.ops(), fuseNativeOptions(options));
  await new Promise<void>((resolve, reject) => fuse.mount((err) => (err ? reject(new Error(`cannot mount ${abs}: ${err.message}`, { cause: err })) : resolve())));
  log.info({ mountpoint: abs }, 'mounted');
  let unmounting: Promise<void> | undefined;
  return {
    mountpoint: abs,
    adapter,
    unmount: () => {
      unmounting ??= new Promise<void>((resolve, reject) => fuse.unmount((err) => (err ? reject(new Error(`cannot unmount ${abs}: ${err.message}`, { cause: err })) : resolve())))
        // Files still open at a lazy unmount may hold buffered writes.
        .finally(() => adapter.settleWrites());
      return unmounting;
    },
  };
}

export interface RunMountArgs {
  mountpoint: string;
  client: BfsClient;
  options?: MountOptions;
}

/**
 * `bfs mount`: check that the group answers, mount in the foreground until
 * SIGINT or SIGTERM (or an outside unmount), then unmount cleanly and close
 * the client. Resolves after the unmount.
 */
export async function runMount({ mountpoint, client, options = {} }: RunMountArgs): Promise<void> {
  const log = options.log ?? pino({ name: 'bfs-mount' });
  // Fail here, with the client's message ("no quorum of replies ... are the
  // replicas up?"), rather than mount a file system whose every call hangs.
  log.info('contacting the group');
  await client.statfs();
  const mounted = await mountBfs(mountpoint, client, { ...options, log });
  log.info({ mountpoint: mounted.mountpoint }, 'bfs mounted; Ctrl-C (SIGINT) or SIGTERM unmounts');
  const reason = await untilSignalOrUnmounted(mounted.mountpoint);
  log.info({ reason, mountpoint: mounted.mountpoint }, reason === 'unmounted' ? 'unmounted from outside (bfs umount / fusermount -u); exiting' : 'unmounting');
  try {
    if (reason !== 'unmounted') await mounted.unmount();
    else await mounted.adapter.settleWrites();
  } finally {
    log.info({ requests: Object.fromEntries(client.sentOps), fuseCalls: Object.fromEntries(mounted.adapter.fuseCalls) }, 'requests sent to the group and calls from the kernel');
    await client.close();
  }
  log.info({ mountpoint: mounted.mountpoint }, 'unmounted');
  if (reason === 'unmounted') {
    // fuse-native frees its event-loop handle only in its own unmount, which
    // cannot run once the mount is gone, so the process would linger. If
    // nothing else is keeping it alive, it exits before this timer fires.
    setTimeout(() => process.exit(0), 200).unref();
  }
}

/** How often runMount checks that its mount still exists. */
const MOUNT_WATCH_MS = 1000;

/**
 * Resolves on SIGINT/SIGTERM, or when the mount disappears from the mount
 * table: libfuse ends its loop on `fusermount -u` without telling fuse-native,
 * so without this `bfs umount` would leave `bfs mount` running forever.
 */
function untilSignalOrUnmounted(mountpoint: string): Promise<NodeJS.Signals | 'unmounted'> {
  return new Promise((resolve) => {
    const done = (reason: NodeJS.Signals | 'unmounted'): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      clearInterval(watch);
      resolve(reason);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    const watch = setInterval(() => {
      void isMounted(mountpoint).then((mounted) => { if (!mounted) done('unmounted'); });
    }, MOUNT_WATCH_MS);
  });
}
