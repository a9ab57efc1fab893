// Prometheus metrics of one replica (prom-client), served over HTTP at /metrics.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ReplicaMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'bfs_requests_total', help: 'Client requests received, by kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly executed = new Counter({ name: 'bfs_requests_executed_total', help: 'Requests executed', registers: [this.registry] });
  readonly batches = new Counter({ name: 'bfs_batches_total', help: 'Batches executed', registers: [this.registry] });
  readonly batchSize = new Histogram({
    name: 'bfs_batch_size_requests', help: 'Requests per executed batch',
    buckets: [0, 1, 2, 4, 8, 16, 32, 64, 128], registers: [this.registry],
  });
  readonly view = new Gauge({ name: 'bfs_view', help: 'Current view', registers: [this.registry] });
  readonly lastExecuted = new Gauge({ name: 'bfs_last_executed_seq', help: 'Last executed sequence number', registers: [this.registry] });
  readonly stableCheckpoint = new Gauge({ name: 'bfs_stable_checkpoint_seq', help: 'Last stable checkpoint', registers: [this.registry] });
  readonly viewChanges = new Counter({ name: 'bfs_view_changes_total', help: 'View changes completed (new views entered)', registers: [this.registry] });
  readonly dropped = new Counter({ name: 'bfs_messages_dropped_total', help: 'Messages dropped, by reason', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly events = new Counter({ name: 'bfs_events_total', help: 'Protocol events reported by the core, by name', labelNames: ['event'] as const, registers: [this.registry] });

  // State transfer (issue #6), on the fetching side: one attempt per source
  // replica tried; duration is from the core asking to the state installed.
  readonly stateTransfers = new Counter({
    name: 'bfs_state_transfers_total', help: 'State transfer attempts by result (installed, refused: a source lied, failed: error or timeout, superseded: a newer checkpoint)',
    labelNames: ['result'] as const, registers: [this.registry],
  });
  readonly stateTransferBytes = new Counter({ name: 'bfs_state_transfer_bytes_total', help: 'Partition bytes received by state transfer (verified or not)', registers: [this.registry] });
  readonly stateTransferPartitions = new Counter({
    name: 'bfs_state_transfer_partitions_total', help: 'Partitions installed by state transfer, by where they came from (network, local: our checkpoint file)',
    labelNames: ['from'] as const, registers: [this.registry],
  });
  readonly stateTransferChunks = new Counter({ name: 'bfs_state_transfer_chunks_total', help: 'Partition chunks received by state transfer', registers: [this.registry] });
  readonly stateTransferDuration = new Histogram({
    name: 'bfs_state_transfer_duration_seconds', help: 'Time from the core asking for a checkpoint to its state installed',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600], registers: [this.registry],
  });
  readonly stateTransferActive = new Gauge({ name: 'bfs_state_transfer_in_progress', help: '1 while this replica fetches state', registers: [this.registry] });
  // On the serving side.
  readonly stateTransferServedBytes = new Counter({ name: 'bfs_state_transfer_served_bytes_total', help: 'Partition chunk bytes served to lagging replicas', registers: [this.registry] });

  constructor(labels: Record<string, string> = {}) {
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Serve `metrics` at http://host:port/metrics (port 0: any free port). */
export async function serveMetrics(metrics: ReplicaMetrics, port: number, host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') { res.writeHead(404).end('see /metrics\n'); return; }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
