// `bfs status` output: one row per replica, and a one-line verdict.
import type { StatusInfo } from '../transport/codec.js';

export interface StatusRow { id: number; address: string; status: StatusInfo | null; error?: string }

function hex(bytes: Uint8Array, n = 8): string {
  return Buffer.from(bytes.subarray(0, n)).toString('hex');
}

export function formatStatusTable(rows: StatusRow[]): string {
  const header = ['replica', 'address', 'answers', 'view', 'primary', 'last exec', 'stable ckpt', 'state', 'note'];
  const body = rows.map((r) => {
    const s = r.status;
    if (!s) return [String(r.id), r.address, 'no', '-', '-', '-', '-', '-', r.error ?? ''];
    return [String(r.id), r.address, 'yes', String(s.view), String(s.primary), String(s.lastExecuted), String(s.stableSeq),
      hex(s.stateDigest), s.viewChanging ? 'view change in progress' : ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

/** The view most answering replicas agree on, and whether a quorum (2f+1) answers. */
export function summarize(rows: StatusRow[], f: number): { view: number | null; primary: number | null; answering: number; quorum: boolean } {
  const up = rows.filter((r) => r.status).map((r) => r.status as StatusInfo);
  const counts = new Map<number, number>();
  for (const s of up) counts.set(s.view, (counts.get(s.view) ?? 0) + 1);
  let view: number | null = null;
  for (const [v, c] of counts) if (view === null || c > (counts.get(view) ?? 0) || (c === counts.get(view) && v > view)) view = v;
  const primary = view === null ? null : view % rows.length;
  return { view, primary, answering: up.length, quorum: up.length >= 2 * f + 1 };
}
