// Wires one replica process: cluster file + key -> auth, file tree, state
// machine, core (PBFT or unreplicated), gRPC transport, metrics, runtime.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { readKeyFile, type KeyFile } from '../crypto/key-file.js';
import { ReplicaAuth } from '../crypto/node-auth.js';
import { FileTree } from '../fs/file-tree.js';
import { Replica, defaultReplicaConfig, type ByzantineBehaviour } from '../pbft/replica.js';
import { keyFilePath, loadClusterConfig, type ClusterConfig } from '../transport/cluster-config.js';
import { createGrpcTransport } from '../transport/grpc.js';
import type { ReplicaCore } from './core.js';
import { FsStateMachine, identityPolicy } from './fs-state-machine.js';
import type { Logger } from './logger.js';
import { ReplicaMetrics, serveMetrics } from './metrics.js';
import { ReplicaRuntime } from './runtime.js';
import { UnreplicatedCore } from './unreplicated-core.js';
import { CheckpointingMachine } from './state-transfer-machine.js';
import { StateFetcher } from './state-transfer-fetcher.js';
import { loadCheckpoint, shareTree, type LoadedCheckpoint } from './persistence/checkpoint-load.js';
import { keepCheckpoints } from './persistence/data-dir.js';
import { DurableCore, certifyCheckpoint } from './persistence/durable-core.js';
import { loadDataDir, type ProofCheck } from './persistence/restore-point.js';
import type { WalFile } from './persistence/wal-file.js';
import { quorumsFor } from '../pbft/quorums.js';
import { checkCheckpointProof } from '../pbft/view-change.js';
import { committedLogOf, stateTransferImplementation, stateTransferService } from './state-transfer-service.js';

export interface ReplicaProcessOptions {
  configPath: string;
  id: number;
  /** Default: keys/replica-ID.json beside the cluster file. */
  keyPath?: string;
  byzantine?: ByzantineBehaviour;
  /** One replica executing requests on arrival (the BFS-nr baseline). */
  unreplicated?: boolean;
  logger: Logger;
  /** Default: the cluster file's metricsPort for this replica; 0 picks a free port; -1 disables. */
  metricsPort?: number;
  tickMs?: number;
  /** Largest message accepted or sent (transport default: 64 MiB). */
  maxMessageBytes?: number;
  /** Keep the last stable checkpoint in this directory (and start from it). */
  dataDir?: string;
  /**
   * 'replicated' (default): disk writes are asynchronous; the group survives up
   * to f replicas failing at once. 'fsync' (needs dataDir): committed batches
   * are logged and fsynced before their replies, and a start replays them, so
   * acknowledged writes survive the whole group being killed.
   */
  durability?: 'replicated' | 'fsync';
  /**
   * Tentative execution (PBFT §5.1): execute a batch once it is prepared and
   * everything before it committed, and reply at once (tentative); the client
   * accepts 2f+1 matching tentative replies. Saves one message delay on every
   * read-write op. Default on, except with `durability: 'fsync'`, whose WAL
   * logs only committed batches (a tentative reply would precede its fsync).
   */
  tentative?: boolean;
}

export interface RunningReplica {
  readonly id: number;
  readonly config: ClusterConfig;
  readonly runtime: ReplicaRuntime;
  /** The port metrics are served on, or -1. */
  readonly metricsPort: number;
  stop(): Promise<void>;
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function checkId(config: ClusterConfig, opts: ReplicaProcessOptions): void {
  const n = config.replicas.length;
  if (!Number.isInteger(opts.id) || opts.id < 0 || opts.id >= n) throw new Error(`--id ${opts.id}: the cluster file ${opts.configPath} has replicas 0..${n - 1}`);
  if (opts.unreplicated && n !== 1) throw new Error(`--unreplicated needs a one-replica cluster file; ${opts.configPath} has ${n} (create one with \`bfs init DIR --replicas 1\`)`);
  if (!opts.unreplicated && n === 1) throw new Error(`${opts.configPath} has one replica: run it with --unreplicated`);
}

export interface CoreOptions {
  id: number; byzantine?: ByzantineBehaviour; unreplicated?: boolean; tickMs?: number;
  /** Tentative execution (default off here: the pure core's default; startReplica decides for processes). */
  tentative?: boolean;
  /** Start from this checkpoint's state (`--durability fsync`): the live tree, shared by the checkpoint tree. */
  restored?: { seq: number; tree: FileTree };
  /** Default: a new one for the key. */
  auth?: ReplicaAuth;
  /** Requests from this size on go into our pre-prepares by digest only (default BIG_REQUEST_BYTES_MIN; Infinity: never). */
  bigRequestBytesMin?: number;
}

/** The replica's authentication and its core over a fresh file tree: everything but I/O (tests use it with the memory transport). */
export function makeReplicaCore(config: ClusterConfig, key: KeyFile, opts: CoreOptions): { auth: ReplicaAuth; core: ReplicaCore; machine?: CheckpointingMachine } {
  const auth = opts.auth ?? new ReplicaAuth({ config, key });
  const policy = identityPolicy(config.clients);
  if (opts.unreplicated) return { auth, core: new UnreplicatedCore(new FsStateMachine(new FileTree(TREE_OPTIONS), policy), auth, opts.id) };
  // Live tree + checkpoint tree (the state lagging replicas fetch; state-transfer-machine.ts).
  const r = opts.restored;
  const live = r ? r.tree : new FileTree(TREE_OPTIONS);
  // Blocks shared, not copied: a 1 GiB checkpoint costs no second GiB.
  const checkpointTree = r ? shareTree(r.tree, TREE_OPTIONS) : new FileTree(TREE_OPTIONS);
  const machine = new CheckpointingMachine(live, new FsStateMachine(live, policy), checkpointTree, new FsStateMachine(checkpointTree, policy));
  if (r) machine.checkpointSeq = r.seq;
  const replicaConfig = defaultReplicaConfig(opts.id, config.replicas.length);
  if (opts.tickMs) replicaConfig.tickMs = opts.tickMs;
  if (opts.tentative !== undefined) replicaConfig.tentativeExecution = opts.tentative;
  if (opts.bigRequestBytesMin !== undefined) replicaConfig.bigRequestBytesMin = opts.bigRequestBytesMin;
  return { auth, core: new Replica(replicaConfig, auth, machine, { byzantine: opts.byzantine }), machine };
}

const TREE_OPTIONS = { hash: sha256 };

/** Why `proof` is not 2f+1 valid CHECKPOINTs for (seq, digest), or null. */
function proofCheck(config: ClusterConfig, auth: ReplicaAuth, id: number): ProofCheck {
  const ctx = { auth, q: quorumsFor(config.replicas.length), checkpointInterval: defaultReplicaConfig(id, config.replicas.length).checkpointInterval };
  return (seq, digest, proof) => checkCheckpointProof(ctx, seq, digest, proof);
}

/** `--durability fsync`: what DIR holds, and how to start the core from it. */
function durableStart(opts: ReplicaProcessOptions, loaded: LoadedCheckpoint | null, checkProof: ProofCheck): { restored?: { seq: number; tree: FileTree }; wal: WalFile; wrap: (core: Replica) => DurableCore } | undefined {
  if (opts.durability !== 'fsync') return undefined;
  if (!opts.dataDir) throw new Error('--durability fsync needs --data DIR (the write-ahead log and checkpoint live there)');
  if (opts.unreplicated) throw new Error('--durability fsync is for replicated groups, not --unreplicated');
  const dataDir = loadDataDir(opts.dataDir, loaded, checkProof, opts.logger);
  const restored = dataDir.tree ? { seq: dataDir.point.seq, tree: dataDir.tree } : undefined;
  return {
    restored, wal: dataDir.wal,
    wrap: (core) => {
      const outs = core.restore({ ...dataDir.point, digest: dataDir.digest ?? core.status().stableDigest });
      return new DurableCore(core, dataDir.wal, outs);
    },
  };
}

export async function startReplica(opts: ReplicaProcessOptions): Promise<RunningReplica> {
  const config = loadClusterConfig(opts.configPath);
  checkId(config, opts);
  const keyPath = opts.keyPath ?? keyFilePath(dirname(opts.configPath), opts.id);
  const key = readKeyFile(keyPath);
  if (key.id !== opts.id) throw new Error(`key file ${keyPath}: holds the key of node ${key.id}, not replica ${opts.id}`);
  const logger = opts.logger;
  const auth = new ReplicaAuth({ config, key });
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  // DIR's checkpoint, loaded once: the core starts from it (--durability fsync) or the fetcher takes its good partitions.
  const loaded = opts.dataDir && !opts.unreplicated ? loadCheckpoint(opts.dataDir, TREE_OPTIONS, logger) : null;
  const durable = durableStart(opts, loaded, proofCheck(config, auth, opts.id));
  const tentative = opts.durability !== 'fsync' && opts.tentative !== false;
  // The WAL logs signed batches; a pre-prepare naming big requests by digest
  // would replay without their bytes: a durable primary keeps them inline.
  const bigRequestBytesMin = durable ? Number.POSITIVE_INFINITY : undefined;
  const made = makeReplicaCore(config, key, { ...opts, tentative, restored: durable?.restored, auth, bigRequestBytesMin });
  const { machine } = made;
  const core = durable && made.core instanceof Replica ? durable.wrap(made.core) : made.core;
  const replica = core instanceof DurableCore ? core.inner : core;
  const metrics = new ReplicaMetrics({ replica: String(opts.id) });
  const me = config.replicas[opts.id];
  const transport = await createGrpcTransport({
    config, auth, self: opts.id, logger, maxMessageBytes: opts.maxMessageBytes,
    onDrop: (reason: string) => metrics.dropped.inc({ reason }),
    status: () => core.status(),
    services: machine && replica instanceof Replica
      ? [{ definition: stateTransferService, implementation: stateTransferImplementation(machine, committedLogOf(replica), (reply) => {
        for (const c of reply.chunks) metrics.stateTransferServedBytes.inc(c.data.length);
      }) }] : [],
  });
  let fetcher: StateFetcher | undefined;
  const runtime = new ReplicaRuntime({
    core, transport, n: config.replicas.length, tickMs: opts.tickMs ?? 10, logger, metrics,
    onFetchState: (seq, digest) => fetcher?.fetch(seq, digest),
  });
  if (machine) {
    // Every manifest carries its checkpoint's proof; only --durability fsync cuts the WAL on it.
    const hooks = {
      certify: replica instanceof Replica ? (seq: number) => certifyCheckpoint(replica, seq) : undefined,
      onWritten: core instanceof DurableCore ? (seq: number) => core.checkpointWritten(seq) : undefined,
    };
    if (opts.dataDir) keepCheckpoints(opts.dataDir, machine, logger, hooks, loaded);
    // The loaded checkpoint is our state already when the core started from it; otherwise a local source of verified partitions.
    const local = loaded && !durable?.restored ? loaded.tree : undefined;
    fetcher = new StateFetcher({
      local,
      self: opts.id, replicas: config.replicas, tree: machine.live, treeOptions: TREE_OPTIONS, logger, maxMessageBytes: opts.maxMessageBytes, metrics,
      onInstalled: (seq, digest) => {
        machine.installed(seq);
        runtime.stateTransferred(seq, digest);
      },
      lastExecuted: () => core.status().lastExecuted,
      deliverLog: (log) => {
        for (const signed of log) {
          const msg = auth.open(signed);
          if (msg) runtime.deliver({ type: 'protocol', from: signed.signer, signed, msg });
        }
      },
    });
  }
  let server: Server | undefined;
  let metricsPort = -1;
  const wantedPort = opts.metricsPort ?? me.metricsPort ?? -1;
  if (wantedPort >= 0) ({ server, port: metricsPort } = await serveMetrics(metrics, wantedPort, me.host));
  runtime.start();
  logger.info({ grpc: `${me.host}:${me.port}`, metrics: metricsPort, unreplicated: !!opts.unreplicated, byzantine: opts.byzantine ?? 'none', tentative },
    `replica ${opts.id} serving`);
  return {
    id: opts.id, config, runtime, metricsPort,
    async stop() {
      fetcher?.stop();
      await runtime.stop();
      durable?.wal.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
