// BFS's published numbers (Castro & Liskov, OSDI '99, §7; ../shared/PBFT-NOTES.md),
// printed beside ours. DEC Alpha 133 MHz, 10 Mb/s switched Ethernet.
import type { PhaseName } from '../andrew/phases.js';

/** Andrew, seconds per phase. */
export const PAPER_ANDREW: Record<string, Record<PhaseName, number>> = {
  'BFS strict': { mkdir: 0.55, copy: 9.24, stat: 7.24, read: 8.77, make: 38.68 },
  'BFS read-only lookup': { mkdir: 0.47, copy: 7.91, stat: 6.45, read: 7.87, make: 38.38 },
  'BFS unreplicated': { mkdir: 0.35, copy: 5.08, stat: 6.11, read: 7.41, make: 32.12 },
  'NFS (Digital Unix)': { mkdir: 1.75, copy: 9.46, stat: 5.36, read: 6.60, make: 39.35 },
};

/** Table 1: null-operation latency in ms. */
export const PAPER_MICRO: Record<string, { readWrite: number; readOnly: number; unreplicated: number }> = {
  '0/0': { readWrite: 3.35, readOnly: 1.62, unreplicated: 0.82 },
  '4/0': { readWrite: 14.19, readOnly: 6.98, unreplicated: 4.62 },
  '0/4': { readWrite: 8.01, readOnly: 5.94, unreplicated: 4.66 },
};
