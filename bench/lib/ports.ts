// Free TCP ports on 127.0.0.1 for a local group: the cluster file wants
// contiguous ranges (replica i on base + i), so probe a random range.
import { createServer } from 'node:net';

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port such that base..base+count-1 are all free right now. */
export async function freePortRange(count: number, attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await isPortFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} free consecutive ports on 127.0.0.1 after ${attempts} tries`);
}
