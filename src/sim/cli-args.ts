// Parsing and validation of `npm run sim` arguments (node:util parseArgs).
import { parseArgs } from 'node:util';
import { ALL_BEHAVIOURS, FAULT_KINDS, isBehaviour, type Behaviour, type FaultKind } from './scenario.js';

export interface SimCliArgs {
  seedFirst: number;
  seedLast: number;
  byzantine: 'all' | 'none' | Behaviour;
  faults: FaultKind[];
  f: number;
  traceLength: number;
  verbose: boolean;
}

export const USAGE = `usage: npm run sim -- --seeds A..B [--byzantine all|none|BEHAVIOUR] [--faults all|none|${FAULT_KINDS.join(',')}] [--f 1] [--trace 60] [--verbose]
  BEHAVIOUR: ${ALL_BEHAVIOURS.join(', ')}
  Each seed draws its Byzantine replicas (up to f), fault mix and workload from those allowed.
  Prints each failing seed with its violations and last --trace events; ends with "sim: N seeds, V violations".`;

export class UsageError extends Error {}

function parseSeeds(text: string): [number, number] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  if (m === null) throw new UsageError(`--seeds: expected A..B or N, got "${text}"`);
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) {
    throw new UsageError(`--seeds: "${text}" is not a range of integers with A <= B`);
  }
  return [first, last];
}

function parseFaults(text: string): FaultKind[] {
  if (text === 'all') return [...FAULT_KINDS];
  if (text === 'none') return [];
  const out: FaultKind[] = [];
  for (const part of text.split(',')) {
    const kind = FAULT_KINDS.find((k) => k === part.trim());
    if (kind === undefined) throw new UsageError(`--faults: unknown fault "${part}" (expected all, none or ${FAULT_KINDS.join(',')})`);
    out.push(kind);
  }
  return out;
}

function parseByzantine(text: string): SimCliArgs['byzantine'] {
  if (text === 'all' || text === 'none' || isBehaviour(text)) return text;
  throw new UsageError(`--byzantine: unknown behaviour "${text}"`);
}

function parseCount(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got "${text}"`);
  return v;
}

export function parseSimArgs(argv: string[]): SimCliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        seeds: { type: 'string', default: '1..100' },
        byzantine: { type: 'string', default: 'all' },
        faults: { type: 'string', default: 'all' },
        f: { type: 'string', default: '1' },
        trace: { type: 'string', default: '60' },
        verbose: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [seedFirst, seedLast] = parseSeeds(values.seeds);
  return {
    seedFirst,
    seedLast,
    byzantine: parseByzantine(values.byzantine),
    faults: parseFaults(values.faults),
    f: parseCount('f', values.f, 0),
    traceLength: parseCount('trace', values.trace, 1),
    verbose: values.verbose,
  };
}
