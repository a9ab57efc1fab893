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

const PORT_BASE_MIN = 10_000;
const EPHEMERAL_PORT_MIN = 32_768;

/** A base port such that base..base+count-1 are all free right now. */
export async function freePortRange(count: number, attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    // Below Linux's ephemeral range (32768-60999): a port we found free could
    // otherwise become the local end of some outgoing connection (a gRPC dial,
    // a metrics scrape) before the replica binds it, and the replica fails to start.
    const base = PORT_BASE_MIN + Math.floor(Math.random() * (EPHEMERAL_PORT_MIN - PORT_BASE_MIN - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await isPortFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} free consecutive ports on 127.0.0.1 after ${attempts} tries`);
}
