// The ingest benchmark's second baseline: the same path an attestation takes — POST /v1/attestations on the real
// API, a BullMQ job in Redis, a BullMQ worker, one auto-commit Neo4j transaction per job — with the work of ingest
// taken out: no verification, no facts, and the transaction is the ceiling's empty CREATE. It is what the design's
// components (node:http, BullMQ on Redis, Bolt to Neo4j) cost on this machine before our code does anything, so
// no ingest with one job and one transaction per attestation can be faster.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.ts';
import { connectGraph } from '../../src/graph/index.ts';
import { jobDataSchema } from '../../src/ingest/queue.ts';
import { createLogger } from '../../src/log.ts';
import { startService } from '../../src/main.ts';
import { BenchAbort } from './benchmark.ts';
import { inParallel } from './harness.ts';
import { emptyWrite, expectEmptyWrites, removeEmptyWrites } from './ingest-ceiling.ts';
import { cpuMeter, localServerPids } from './process-cpu.ts';

export interface Floor {
  readonly jobs: number;
  readonly concurrency: number;
  readonly submitters: number;
  readonly perSecond: number;
  /** CPU milliseconds per job, by process, where it could be read (/proc). */
  readonly cpuMsPerJob: Readonly<Record<string, number>>;
}

export interface FloorOptions {
  readonly documents: readonly Buffer[];
  readonly warmup: number;
  readonly concurrency: number;
  readonly submitters: number;
  readonly post: (agent: http.Agent, url: string, body: Buffer) => Promise<{ status: number; body: string }>;
}

/**
 * Runs the floor with the worker in this process (as `--workers 0` runs the real one), `concurrency` jobs at once.
 * The first `warmup` documents are submitted untimed; the rest are measured.
 */
export async function measureFloor(env: { NEO4J_URI: string; REDIS_URL: string }, options: FloorOptions): Promise<Floor> {
  const tag = randomUUID().slice(0, 8);
  const queueName = `bench-floor-${tag}`;
  const api = await startService(
    loadConfig({ ...env, QUEUE_NAME: queueName, PORT: '0', ROLE: 'api', LOG_LEVEL: 'error' }),
    createLogger('error'),
  );
  const graph = connectGraph({ uri: env.NEO4J_URI, database: 'neo4j' });
  const workerRedis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection: redis });
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.submitters });
  // What src/ingest/worker.ts does with a job around ingestDocument (parse the data, drop the stored document from
  // the job), with the smallest durable write in place of ingestDocument, keyed by the job id (the document digest)
  // so that the writes can be counted, each once, after the run.
  const worker = new Worker(
    queueName,
    async (job) => {
      const data = jobDataSchema.parse(job.data);
      if ('stored' in data) return;
      const { document, ...meta } = data;
      if (Buffer.from(document, 'base64').length === 0) throw new Error(`job ${job.id} has no document`);
      await emptyWrite(graph, tag, job.id ?? '');
      await job.updateData({ stored: true, ...meta });
    },
    { connection: workerRedis, concurrency: options.concurrency },
  );
  const pids = localServerPids(env.NEO4J_URI, env.REDIS_URL);
  const submitAll = async (documents: readonly Buffer[]): Promise<void> => {
    await inParallel(documents, options.submitters, async (bytes) => {
      const { status, body } = await options.post(agent, `${api.url}/v1/attestations?origin=bench-floor`, bytes);
      if (status !== 202) throw new BenchAbort(`floor submission answered ${status}: ${body}`);
    });
  };
  const drained = async (): Promise<void> => {
    for (;;) {
      const counts = await queue.getJobCounts('failed', 'waiting', 'active', 'delayed', 'prioritized');
      if ((counts['failed'] ?? 0) > 0) throw new BenchAbort(`${counts['failed']} floor jobs failed`);
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  try {
    const warm = options.documents.slice(0, options.warmup);
    const measured = options.documents.slice(options.warmup);
    await submitAll(warm);
    await drained();
    const processCpu = cpuMeter(pids);
    const self = process.cpuUsage();
    const start = performance.now();
    await submitAll(measured);
    await drained();
    const seconds = (performance.now() - start) / 1000;
    const own = process.cpuUsage(self);
    // every job, warm-up included, wrote once: the figure is of jobs that did their write
    await expectEmptyWrites(graph, tag, options.documents.length, 'floor');
    const cpu: Record<string, number> = { 'api + worker': (own.user + own.system) / 1000 / measured.length };
    for (const [name, ms] of Object.entries(processCpu())) cpu[name] = ms / measured.length;
    return {
      jobs: measured.length,
      concurrency: options.concurrency,
      submitters: options.submitters,
      perSecond: measured.length / seconds,
      cpuMsPerJob: cpu,
    };
  } finally {
    await worker.close();
    await api.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    workerRedis.disconnect();
    await removeEmptyWrites(graph, tag);
    await graph.driver.close();
    agent.destroy();
  }
}
