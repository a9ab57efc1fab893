// The cluster file (cluster.json): who the replicas and clients are, where the
// replicas listen, and everyone's public keys. Loading validates everything and
// reports problems naming the file and the field.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_BYTES, type CryptoProvider, type PublicIdentity } from '../crypto/provider.js';
import { nativeProvider } from '../crypto/native.js';
import { fromBase64, toBase64, writeKeyFile, type KeyFile } from '../crypto/key-file.js';

export interface ReplicaInfo extends PublicIdentity { id: number; host: string; port: number; metricsPort?: number }
/** `uids`: the uids this client may act as ("any" for a trusted client such as root's mount). */
export interface ClientInfo extends PublicIdentity { id: number; uids: 'any' | number[] }
export interface ClusterConfig { f: number; replicas: ReplicaInfo[]; clients: ClientInfo[] }

export const CLIENT_ID_BASE = 1000;

type Obj = Record<string, unknown>;

class Checker {
  constructor(private readonly path: string) {}
  fail(field: string, problem: string): never {
    throw new Error(`cluster file ${this.path}: ${field} ${problem}`);
  }
  object(value: unknown, field: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Obj;
  }
  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, 'must be an array');
    return value as unknown[];
  }
  int(value: unknown, field: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) this.fail(field, `must be an integer in ${min}..${max}`);
    return value as number;
  }
  key(value: unknown, field: string): Uint8Array {
    const bytes = fromBase64(value, KEY_BYTES);
    return typeof bytes === 'string' ? this.fail(field, bytes) : bytes;
  }
  unique(values: number[], field: string): void {
    const seen = new Set<number>();
    for (const v of values) {
      if (seen.has(v)) this.fail(field, `must be unique; ${v} appears twice`);
      seen.add(v);
    }
  }
}

function parseReplica(c: Checker, value: unknown, field: string): ReplicaInfo {
  const o = c.object(value, field);
  if (typeof o.host !== 'string' || o.host === '') c.fail(`${field}.host`, 'must be a non-empty string');
  const replica: ReplicaInfo = {
    id: c.int(o.id, `${field}.id`, 0, 0xffff),
    host: o.host as string,
    port: c.int(o.port, `${field}.port`, 1, 65535),
    ed25519Public: c.key(o.ed25519Public, `${field}.ed25519Public`),
    x25519Public: c.key(o.x25519Public, `${field}.x25519Public`),
  };
  if (o.metricsPort !== undefined) replica.metricsPort = c.int(o.metricsPort, `${field}.metricsPort`, 1, 65535);
  return replica;
}

function parseClient(c: Checker, value: unknown, field: string): ClientInfo {
  const o = c.object(value, field);
  let uids: 'any' | number[] = 'any';
  if (o.uids !== 'any') {
    uids = c.array(o.uids, `${field}.uids`).map((u, i) => c.int(u, `${field}.uids[${i}]`, 0, 0xffffffff));
  }
  return {
    id: c.int(o.id, `${field}.id`, 0, 0xffffffff),
    ed25519Public: c.key(o.ed25519Public, `${field}.ed25519Public`),
    x25519Public: c.key(o.x25519Public, `${field}.x25519Public`),
    uids,
  };
}

/** Validates a parsed cluster file; `path` only names it in errors. */
export function parseClusterConfig(json: unknown, path: string): ClusterConfig {
  const c = new Checker(path);
  const o = c.object(json, '(top level)');
  const f = c.int(o.f, 'f', 0, 1000);
  const replicas = c.array(o.replicas, 'replicas').map((r, i) => parseReplica(c, r, `replicas[${i}]`));
  const clients = c.array(o.clients ?? [], 'clients').map((r, i) => parseClient(c, r, `clients[${i}]`));
  const n = replicas.length;
  if (f === 0 && n !== 1) c.fail('replicas', `must hold exactly 1 replica when f = 0 (got ${n})`);
  if (f > 0 && n !== 3 * f + 1) c.fail('replicas', `must hold n = 3f+1 = ${3 * f + 1} replicas for f = ${f} (got ${n})`);
  replicas.forEach((r, i) => { if (r.id !== i) c.fail(`replicas[${i}].id`, `must be ${i} (replica ids are 0..n-1 in order)`); });
  c.unique(replicas.map((r) => r.port), 'replicas[].port');
  c.unique(clients.map((cl) => cl.id), 'clients[].id');
  clients.forEach((cl, i) => { if (cl.id < n) c.fail(`clients[${i}].id`, `must not collide with a replica id (0..${n - 1})`); });
  return { f, replicas, clients };
}

export function loadClusterConfig(path: string): ClusterConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cluster file ${path}: ${code === 'ENOENT' ? 'does not exist (create one with `bfs init DIR`)' : `cannot be read (${code ?? String(err)})`}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`cluster file ${path}: is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return parseClusterConfig(json, path);
}

export function clusterConfigToJson(config: ClusterConfig): unknown {
  const keys = (p: PublicIdentity): Obj => ({ ed25519Public: toBase64(p.ed25519Public), x25519Public: toBase64(p.x25519Public) });
  return {
    f: config.f,
    replicas: config.replicas.map((r) => ({
      id: r.id, host: r.host, port: r.port, ...(r.metricsPort !== undefined ? { metricsPort: r.metricsPort } : {}), ...keys(r),
    })),
    clients: config.clients.map((cl) => ({ id: cl.id, ...keys(cl), uids: cl.uids })),
  };
}

export function writeClusterConfig(path: string, config: ClusterConfig): void {
  writeFileSync(path, JSON.stringify(clusterConfigToJson(config), null, 2) + '\n');
}

export interface InitClusterOptions {
  replicas?: number;        // 1 (unreplicated) or 3f+1; default 4
  clients?: number;         // default 2
  basePort?: number;        // replica i listens on basePort + i; default 7100
  metricsBasePort?: number; // default 9100
  host?: string;            // default 127.0.0.1
  provider?: CryptoProvider;
}

export interface GeneratedCluster { config: ClusterConfig; keys: Map<number, KeyFile> }

/** A fresh cluster in memory: config plus every node's secret keys (tests, simulator, initCluster). */
export function generateCluster(options: InitClusterOptions = {}): GeneratedCluster {
  const n = options.replicas ?? 4;
  if (!Number.isInteger(n) || n < 1 || (n !== 1 && (n - 1) % 3 !== 0)) {
    throw new Error(`cannot create a cluster of ${n} replicas: use 1 (unreplicated) or 3f+1 (4, 7, 10...)`);
  }
  const provider = options.provider ?? nativeProvider;
  const basePort = options.basePort ?? 7100;
  const metricsBasePort = options.metricsBasePort ?? 9100;
  const host = options.host ?? '127.0.0.1';
  const keys = new Map<number, KeyFile>();
  const make = (id: number): PublicIdentity => {
    const identity = provider.generateIdentity();
    keys.set(id, { id, identity });
    return provider.publicIdentity(identity);
  };
  const config: ClusterConfig = {
    f: (n - 1) / 3,
    replicas: Array.from({ length: n }, (_, i) => ({ id: i, host, port: basePort + i, metricsPort: metricsBasePort + i, ...make(i) })),
    clients: Array.from({ length: options.clients ?? 2 }, (_, i) => ({ id: CLIENT_ID_BASE + i, ...make(CLIENT_ID_BASE + i), uids: 'any' as const })),
  };
  return { config, keys };
}

export interface InitClusterResult { configPath: string; config: ClusterConfig; replicaKeyPaths: string[]; clientKeyPaths: string[] }

/** Path of a node's key file inside a cluster directory made by initCluster. */
export function keyFilePath(dir: string, id: number): string {
  return join(dir, 'keys', id < CLIENT_ID_BASE ? `replica-${id}.json` : `client-${id}.json`);
}

/** Creates DIR/keys/*.json (mode 0600) and DIR/cluster.json for a local group (`bfs init`). */
export function initCluster(dir: string, options: InitClusterOptions = {}): InitClusterResult {
  const { config, keys } = generateCluster(options);
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  const write = (id: number): string => {
    const path = keyFilePath(dir, id);
    writeKeyFile(path, keys.get(id) as KeyFile);
    return path;
  };
  const configPath = resolve(dir, 'cluster.json');
  writeClusterConfig(configPath, config);
  return { configPath, config, replicaKeyPaths: config.replicas.map((r) => write(r.id)), clientKeyPaths: config.clients.map((c) => write(c.id)) };
}
