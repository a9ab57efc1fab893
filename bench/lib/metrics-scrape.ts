// Reads a replica's Prometheus endpoint: the batch-size histogram's sum and
// count, whose differences over a run give the mean batch the primary formed.
export interface BatchCounters { batches: number; requests: number }

export async function scrapeBatches(url: string): Promise<BatchCounters | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    const text = await res.text();
    return { batches: sample(text, 'bfs_batch_size_requests_count'), requests: sample(text, 'bfs_batch_size_requests_sum') };
  } catch {
    return null;
  }
}

/** The value of an unlabelled-or-labelled sample `name` in exposition text (0 if absent). */
export function sample(text: string, name: string): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return 0;
}

/** Mean requests per batch between two scrapes; null if unknown or no batch. */
export function meanBatch(before: BatchCounters | null, after: BatchCounters | null): number | null {
  if (!before || !after) return null;
  const batches = after.batches - before.batches;
  return batches > 0 ? (after.requests - before.requests) / batches : null;
}
