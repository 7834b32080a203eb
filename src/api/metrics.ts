// Prometheus metrics for the API and the worker, in a registry of our own (no global state).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  countSubmission(created: boolean): void;
  countOutcome(outcome: 'verified' | 'rejected' | 'error', code: string | null): void;
}

/** `queueDepth` is read on every scrape, so the gauge is never stale. */
export function createMetrics(queueDepth: () => Promise<number>): Metrics {
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
        this.set(await queueDepth());
      } catch {
        // Redis down: leave the last value; readiness reports the outage.
      }
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
    countOutcome(outcome, code) {
      outcomes.inc({ outcome, code: code ?? '' });
    },
  };
}
