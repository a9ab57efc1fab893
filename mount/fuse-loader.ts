// fuse-native is loaded only when something mounts: importing it loads the
// native binding, which throws on machines without libfuse, and nothing but
// `bfs mount` should pay for (or fail on) that.
import type { FuseConstructor } from './fuse-types.js';

export async function loadFuse(): Promise<FuseConstructor> {
  try {
    const mod = (await import('fuse-native')) as { default: FuseConstructor };
    return mod.default;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot load FUSE support (fuse-native): ${why}. ` +
      'Install libfuse2 and fuse (Debian: apt-get install libfuse2 fuse, or `npm run setup`), and check that /dev/fuse exists.',
      { cause: err },
    );
  }
}
