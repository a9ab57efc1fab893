// Prints the top self-time functions of one or more V8 .cpuprofile files
// (node --cpu-prof). Self time of a node = its hit count x the mean sample
// interval; nodes with the same function, file and line are merged so that a
// hot function reached from many call sites shows up once.
//   npx tsx bench/profile/top.ts [--top 25] [--last-ms 4000] FILE.cpuprofile [FILE...]
// --last-ms keeps only the samples of the profile's last MS (the steady state).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] }

export interface SelfTimeEntry { name: string; where: string; selfMs: number; share: number }

/**
 * Hit counts per node id, from the samples within the last `lastMs` of the
 * profile (all of them when lastMs is undefined): start-up (module loading
 * through tsx) would otherwise hide the steady state of a short run.
 */
function hitsById(profile: CpuProfile, lastMs?: number): Map<number, number> {
  const hits = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length === 0 || lastMs === undefined) {
    for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
    return hits;
  }
  const fromUs = profile.endTime - lastMs * 1000;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (t >= fromUs) hits.set(samples[i], (hits.get(samples[i]) ?? 0) + 1);
  }
  return hits;
}

/** Self time per function (merged by name + location), largest first. */
export function selfTimes(profile: CpuProfile, lastMs?: number): SelfTimeEntry[] {
  const hitCounts = hitsById(profile, lastMs);
  const totalHits = [...hitCounts.values()].reduce((sum, h) => sum + h, 0);
  const spanMs = lastMs === undefined ? (profile.endTime - profile.startTime) / 1000 : Math.min(lastMs, (profile.endTime - profile.startTime) / 1000);
  const msPerHit = totalHits > 0 ? spanMs / totalHits : 0;
  const byKey = new Map<string, SelfTimeEntry>();
  for (const node of profile.nodes) {
    const hits = hitCounts.get(node.id) ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = byKey.get(key) ?? { name, where, selfMs: 0, share: 0 };
    entry.selfMs += hits * msPerHit;
    entry.share += totalHits > 0 ? hits / totalHits : 0;
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/** node_modules/<pkg>/... or the path below the repo, whichever is shorter to read. */
function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  const src = path.search(/\/(src|bench|mount|test)\//);
  return src >= 0 ? path.slice(src + 1) : path;
}

/** Which process wrote the profile, guessed from the code it ran (NODE_OPTIONS profiles every process of a run). */
export function roleOf(profile: CpuProfile): string {
  const urls = new Set(profile.nodes.map((n) => n.callFrame.url));
  const has = (part: string): boolean => [...urls].some((u) => u.includes(part));
  if (has('src/replica/runtime.ts')) return 'replica';
  if (has('/bench/')) return 'bench client';
  if (has('src/cli/')) return 'bfs cli';
  return 'other';
}

function main(argv: string[]): void {
  let top = 25;
  let lastMs: number | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i]);
    else if (argv[i] === '--last-ms') lastMs = Number(argv[++i]);
    else files.push(argv[i]);
  }
  if (files.length === 0 || !Number.isInteger(top) || top < 1) {
    process.stderr.write('usage: tsx bench/profile/top.ts [--top N] [--last-ms MS] FILE.cpuprofile [FILE...]\n');
    process.exit(2);
  }
  for (const file of files) {
    let profile: CpuProfile;
    try {
      profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    } catch (err) {
      process.stderr.write(`${file}: not a readable .cpuprofile (${(err as Error).message})\n`);
      process.exitCode = 1;
      continue;
    }
    const entries = selfTimes(profile, lastMs);
    const role = roleOf(profile);
    const totalMs = Math.min(lastMs ?? Infinity, (profile.endTime - profile.startTime) / 1000);
    process.stdout.write(`\n${basename(file)} (${role}): ${totalMs.toFixed(0)} ms sampled\n`);
    process.stdout.write(`${'self ms'.padStart(9)} ${'self %'.padStart(7)}  function  (location)\n`);
    for (const e of entries.slice(0, top)) {
      process.stdout.write(`${e.selfMs.toFixed(1).padStart(9)} ${(e.share * 100).toFixed(1).padStart(6)}%  ${e.name}  ${e.where}\n`);
    }
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) main(process.argv.slice(2));
