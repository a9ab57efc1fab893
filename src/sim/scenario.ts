// A run's setup, derived from its seed and the CLI's restrictions: which
// replicas are Byzantine and how, which network faults happen when, and the
// client workload.
import { BYZANTINE_BEHAVIOURS, type ByzantineBehaviour, type Mutations } from '../pbft/byzantine.js';
import type { ReplicaId } from '../pbft/types.js';
import { BIG_REQUEST_BYTES_MIN } from '../pbft/config.js';
import type { Prng } from './prng.js';

/**
 * Behaviours the simulator plays itself by rewriting a replica's outputs (the
 * replica's core runs honestly): 'forget-prepared' sends VIEW-CHANGEs without
 * its P and Q, the amnesia that a Byzantine replica may fake and that 2f+1
 * commit quorums exist to survive; 'lie-prepared' claims in its VIEW-CHANGEs
 * that a batch nobody proposed prepared (and pre-prepared) at every seq it
 * reports and two beyond, in the highest view it may name: what condition A2
 * of the view change (f+1 pre-prepared claims) exists to reject.
 */
export const SIM_BEHAVIOURS = ['forget-prepared', 'lie-prepared'] as const;
export type SimBehaviour = (typeof SIM_BEHAVIOURS)[number];
export type Behaviour = ByzantineBehaviour | SimBehaviour;
export const ALL_BEHAVIOURS: readonly Behaviour[] = [...BYZANTINE_BEHAVIOURS, ...SIM_BEHAVIOURS];

export function isBehaviour(s: string): s is Behaviour {
  return (ALL_BEHAVIOURS as readonly string[]).includes(s);
}

export function isSimBehaviour(b: Behaviour): b is SimBehaviour {
  return (SIM_BEHAVIOURS as readonly string[]).includes(b);
}

export const FAULT_KINDS = ['drop', 'delay', 'dup', 'reorder', 'partition', 'crash'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SimOptions {
  seed: number;
  /** Faults tolerated; n = 3f+1. */
  f: number;
  /** 'all': a behaviour (or none) drawn per seed; 'none': every replica correct. */
  byzantine: 'all' | 'none' | Behaviour;
  /** Fault kinds the seed may draw from. */
  faults: readonly FaultKind[];
  /** TEST-ONLY: applied to every correct replica. */
  mutations?: Mutations;
  /** TEST-ONLY: clients accept f matching replies instead of f+1. */
  weakClients?: boolean;
  /** Overrides of the drawn network parameters (e.g. a harsher drop rate for a targeted search). */
  network?: Partial<NetworkParams>;
  /** Virtual time after the heal by which every op must be done (default LIVENESS_BOUND_MS). */
  livenessBoundMs?: number;
  /** Events kept for the trace of a failing run. */
  traceLength?: number;
  /** TEST-ONLY: edit the drawn scenario (a long partition, a bigger workload...). */
  adjustScenario?: (s: Scenario) => void;
}

export interface NetworkParams {
  baseDelayMs: number;
  jitterMs: number;
  dropRate: number;
  dupRate: number;
  /** Share of messages held back for an extra delay of up to slowDelayMsMax. */
  slowRate: number;
  slowDelayMsMax: number;
}

export interface PartitionPlan { atMs: number; durationMs: number; /** Nodes cut off from the rest. */ side: number[] }
/** loseState: the replica restarts empty (its disk is gone) and catches up by state transfer. */
export interface CrashPlan { atMs: number; durationMs: number; replica: ReplicaId; loseState?: boolean }

export interface Scenario {
  n: number;
  f: number;
  byzantine: Map<ReplicaId, Behaviour>;
  faults: Set<FaultKind>;
  network: NetworkParams;
  partitions: PartitionPlan[];
  crashes: CrashPlan[];
  /** Faults stop here (or earlier, once every client is done). */
  healMs: number;
  clients: number[];
  opsPerClient: number;
  keys: string[];
  tentativeExecution: boolean;
  checkpointInterval: number;
  clockSkewMs: number[];
  /** How long fetching a checkpoint's state takes (a real 1 GiB transfer takes a minute). */
  stateFetchMs?: number;
  /**
   * Requests from this encoded size on are big: clients send them to every
   * replica, pre-prepares carry their digest only. 0 in half the seeds (every
   * request by digest: the sim's requests are tiny), else the default.
   */
  bigRequestBytesMin: number;
}

export const TICK_MS = 10;
export const CLIENT_ID_BASE = 1000;

function drawByzantine(prng: Prng, opts: SimOptions, n: number): Map<ReplicaId, Behaviour> {
  const out = new Map<ReplicaId, Behaviour>();
  if (opts.byzantine === 'none' || opts.f === 0) return out;
  if (opts.byzantine === 'all' && prng.chance(0.15)) return out;
  const count = prng.int(1, opts.f);
  // Many behaviours only bite as primary, so replica 0 (view 0's primary) is favoured.
  const pool = Array.from({ length: n }, (_, i) => i);
  if (prng.chance(0.5)) out.set(0, drawBehaviour(prng, opts));
  while (out.size < count) {
    const id = prng.pick(pool);
    if (!out.has(id)) out.set(id, drawBehaviour(prng, opts));
  }
  return out;
}

function drawBehaviour(prng: Prng, opts: SimOptions): Behaviour {
  return opts.byzantine === 'all' || opts.byzantine === 'none' ? prng.pick(ALL_BEHAVIOURS) : opts.byzantine;
}

function drawNetwork(prng: Prng, faults: Set<FaultKind>): NetworkParams {
  return {
    baseDelayMs: prng.int(1, 3),
    jitterMs: faults.has('reorder') ? prng.int(5, 40) : 1,
    dropRate: faults.has('drop') ? prng.int(1, 20) / 100 : 0,
    dupRate: faults.has('dup') ? prng.int(1, 15) / 100 : 0,
    slowRate: faults.has('delay') ? prng.int(2, 20) / 100 : 0,
    slowDelayMsMax: prng.int(50, 1500),
  };
}

function drawPartitions(prng: Prng, n: number, clients: number[], healMs: number): PartitionPlan[] {
  const out: PartitionPlan[] = [];
  const count = prng.int(1, 3);
  for (let i = 0; i < count; i++) {
    const side: number[] = [];
    // One or two replicas (and maybe a client) on the far side of the cut.
    const replicas = prng.int(1, Math.max(1, Math.floor((n - 1) / 2)));
    while (side.length < replicas) {
      const r = prng.int(0, n - 1);
      if (!side.includes(r)) side.push(r);
    }
    if (prng.chance(0.4)) side.push(prng.pick(clients));
    out.push({ atMs: prng.int(0, healMs - 200), durationMs: prng.int(100, 2500), side });
  }
  return out;
}

function drawCrashes(prng: Prng, n: number, healMs: number): CrashPlan[] {
  const out: CrashPlan[] = [];
  const count = prng.int(1, 2);
  for (let i = 0; i < count; i++) {
    out.push({ atMs: prng.int(0, healMs - 200), durationMs: prng.int(100, 3000), replica: prng.int(0, n - 1) });
  }
  return out;
}

export function drawScenario(prng: Prng, opts: SimOptions): Scenario {
  const n = 3 * opts.f + 1;
  const byzantine = drawByzantine(prng, opts, n);
  const faults = new Set(opts.faults.filter(() => prng.chance(0.6)));
  const clientCount = prng.int(2, 4);
  const clients = Array.from({ length: clientCount }, (_, i) => CLIENT_ID_BASE + i);
  const healMs = prng.int(1500, 6000);
  const scenario: Scenario = {
    n,
    f: opts.f,
    byzantine,
    faults,
    network: { ...drawNetwork(prng, faults), ...opts.network },
    partitions: faults.has('partition') ? drawPartitions(prng, n, clients, healMs) : [],
    crashes: faults.has('crash') ? drawCrashes(prng, n, healMs) : [],
    healMs,
    clients,
    opsPerClient: prng.int(4, 12),
    keys: ['a', 'b', 'c'].slice(0, prng.int(1, 3)),
    tentativeExecution: prng.chance(0.5),
    checkpointInterval: prng.pick([2, 4, 8]),
    clockSkewMs: Array.from({ length: n }, () => prng.int(0, 30)),
    bigRequestBytesMin: BIG_REQUEST_BYTES_MIN,
  };
  // Drawn last so the rest of a seed's scenario stays as it was. A replica that
  // lost its state is faulty until it caught up: only while fewer than f are Byzantine.
  if (scenario.crashes.length > 0 && byzantine.size < opts.f && prng.chance(0.5)) scenario.crashes[0].loseState = true;
  if (prng.chance(0.5)) scenario.bigRequestBytesMin = 0;
  return scenario;
}

export function describeScenario(s: Scenario): string {
  const byz = [...s.byzantine].map(([id, b]) => `${id}:${b}`).join(',') || 'none';
  const faults = [...s.faults].join(',') || 'none';
  const lost = s.crashes.some((c) => c.loseState) ? ' state-loss' : '';
  return `n=${s.n} byzantine=${byz} faults=${faults}${lost} clients=${s.clients.length}x${s.opsPerClient} `
    + `tentative=${s.tentativeExecution} K=${s.checkpointInterval} heal=${s.healMs}ms${s.bigRequestBytesMin === 0 ? ' by-digest' : ''}`;
}
