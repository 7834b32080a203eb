// Prometheus metrics for the API and the worker, in a registry of our own (no global state).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueMemory } from '../ingest/index.ts';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  countSubmission(created: boolean): void;
  /** a batch of `total` distinct documents, `created` of them new to the queue. */
  countBatch(total: number, created: number): void;
  countOutcome(outcome: 'verified' | 'rejected' | 'error', code: string | null): void;
}

/** What the queue gauges read on every scrape, so they are never stale. */
export interface QueueProbes {
  depth(): Promise<number>;
  memory(): Promise<QueueMemory>;
}

export function createMetrics(queue: QueueProbes): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mpg_' });
  const requests = new Counter({
    name: 'mpg_http_requests_total',
    help: 'HTTP requests by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mpg_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const batches = new Counter({
    name: 'mpg_batches_total',
    help: 'Batches submitted (POST /v1/batches); their documents are counted in mpg_submissions_total.',
    registers: [registry],
  });
  const submissions = new Counter({
    name: 'mpg_submissions_total',
    help: 'Documents submitted for ingestion; created="false" counts resubmissions of a known document.',
    labelNames: ['created'] as const,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'mpg_verification_outcomes_total',
    help: 'Worker outcomes: verified, rejected (by reason code) or error (infrastructure faults).',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'mpg_queue_depth',
    help: 'Jobs waiting, running or delayed for retry in the ingest queue.',
    registers: [registry],
    async collect() {
      try {
        this.set(await queue.depth());
      } catch {
        // Redis down: leave the last value; readiness reports the outage.
      }
    },
  });
  // One read of Redis memory per scrape, shared by the three gauges below.
  let memory: Promise<QueueMemory | null> | null = null;
  const readMemory = (): Promise<QueueMemory | null> => {
    memory ??= queue
      .memory()
      .catch(() => null)
      .finally(() => setTimeout(() => (memory = null), 100).unref());
    return memory;
  };
  new Gauge({
    name: 'mpg_redis_memory_used_bytes',
    help: 'Memory Redis uses (INFO used_memory); the queue refuses new documents near redis maxmemory.',
    registers: [registry],
    async collect() {
      const read = await readMemory();
      if (read) this.set(read.usedBytes);
    },
  });
  new Gauge({
    name: 'mpg_redis_memory_max_bytes',
    help: 'Redis maxmemory (0 = unlimited).',
    registers: [registry],
    async collect() {
      const read = await readMemory();
      if (read) this.set(read.maxBytes ?? 0);
    },
  });
  new Gauge({
    name: 'mpg_queue_memory_full',
    help: '1 while new documents are refused with QUEUE_FULL because Redis is near its memory limit.',
    registers: [registry],
    async collect() {
      const read = await readMemory();
      if (read) this.set(read.full ? 1 : 0);
    },
  });
  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route }, seconds);
    },
    countSubmission(created) {
      submissions.inc({ created: String(created) });
    },
    countBatch(total, created) {
      submissions.inc({ created: 'true' }, created);
      submissions.inc({ created: 'false' }, total - created);
      batches.inc();
    },
    countOutcome(outcome, code) {
      outcomes.inc({ outcome, code: code ?? '' });
    },
  };
}
