// What the ingest queue keeps in Redis, on the real Redis and Neo4j: a document leaves its job once the graph holds
// it (the job keeps its id, the digest), a job whose copy is gone completes with the graph's verdict, concurrent
// submissions of one new document create exactly one job, and near Redis's memory limit new documents are refused
// with QUEUE_FULL while known ones are still accepted, from the high-water mark until below the low-water mark.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { closeGraph, connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import {
  createIngestQueue,
  IngestError,
  startIngestWorker,
  type IngestQueue,
  type IngestWorker,
} from '../../src/ingest/index.ts';
import { loadTrustPolicy } from '../../src/verify/index.ts';
import { lineageCorpus } from '../support/corpus.ts';
import { startRedis, type RedisProcess } from '../support/redis-process.ts';
import { integrationEnv, policyFileFor } from '../support/service.ts';

const META = { origin: 'queue-bounds-test', collector: 'test', receivedAt: new Date().toISOString() };

describe('ingest queue bounds', () => {
  const env = integrationEnv();
  const queueName = `test-queue-bounds-${randomUUID()}`;
  const corpus = lineageCorpus({ models: 3, tag: `queue-bounds-${randomUUID()}` });
  let graph: GraphConnection;
  let queue: IngestQueue;
  let worker: IngestWorker;
  let redis: Redis;
  let raw: Queue;

  before(async () => {
    const policy = loadTrustPolicy(await policyFileFor(...corpus.signers));
    graph = connectGraph({ uri: env.NEO4J_URI, database: 'neo4j' });
    queue = createIngestQueue({ redisUrl: env.REDIS_URL, queueName, attempts: 3, backoffMs: 100 });
    worker = startIngestWorker({ redisUrl: env.REDIS_URL, queueName, concurrency: 4 }, { graph, policy: () => policy });
    redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    raw = new Queue(queueName, { connection: redis });
  });
  after(async () => {
    await worker?.close();
    await queue?.close();
    await raw?.obliterate({ force: true }).catch(() => undefined);
    await raw?.close();
    redis?.disconnect();
    await closeGraph(graph);
  });

  async function finished(id: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const status = await queue.jobStatus(id);
      if (status?.state === 'completed' || status?.state === 'failed') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`${id} not finished`);
  }

  it('creates exactly one job for 50 concurrent submissions of one new document', async () => {
    const document = corpus.documents[0]!;
    const answers = await Promise.all(Array.from({ length: 50 }, () => queue.submit(document.bytes, META)));
    assert.equal(answers.filter((a) => a.created).length, 1);
    assert.ok(answers.every((a) => a.id === document.id));
    await finished(document.id);
    const again = await Promise.all(Array.from({ length: 10 }, () => queue.submit(document.bytes, META)));
    assert.equal(again.filter((a) => a.created).length, 0, 'a known document is never created again');
  });

  it('drops the document from a job once the graph holds it, keeping the digest as the job id', async () => {
    const document = corpus.documents[1]!;
    await queue.submit(document.bytes, META);
    await finished(document.id);
    const job = await raw.getJob(document.id.replace(':', '-'));
    assert.ok(job);
    assert.equal(await job.getState(), 'completed');
    assert.equal(job.data.document, undefined);
    assert.equal(job.data.stored, true);
    assert.equal(job.data.origin, META.origin);
    assert.ok(JSON.stringify(job.data).length < 200, JSON.stringify(job.data));
  });

  it('completes a job whose copy is gone with the verdict the graph holds', async () => {
    const document = corpus.documents[1]!;
    const jobId = `${document.id.replace(':', '-')}-again`;
    const job = await raw.add('attestation', { stored: true, ...META }, { jobId });
    // The job id names another document than the one stored: nothing in the graph, so it fails at once.
    for (let i = 0; i < 100 && !(await job.isFailed()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const failed = await raw.getJob(jobId);
    assert.equal(await failed?.getState(), 'failed');
    assert.match(failed?.failedReason ?? '', /no longer holds .* and the graph has no record/);

    const stored = await raw.getJob(document.id.replace(':', '-'));
    await stored?.remove();
    await raw.add('attestation', { stored: true, ...META }, { jobId: document.id.replace(':', '-') });
    await finished(document.id);
    const rerun = await raw.getJob(document.id.replace(':', '-'));
    assert.deepEqual(rerun?.returnvalue, { status: 'verified', code: null });
  });

  it('refuses new documents with QUEUE_FULL near the memory limit, resubmissions of finished ones too', async () => {
    const full = createIngestQueue({ redisUrl: env.REDIS_URL, queueName, attempts: 3, memoryHighWater: 1e-9 });
    try {
      const memory = await full.memory();
      assert.equal(memory.full, true);
      assert.ok(memory.usedBytes > 0);
      await assert.rejects(
        full.submit(corpus.documents[2]!.bytes, META),
        (error: unknown) => error instanceof IngestError && error.code === 'QUEUE_FULL',
      );
      // A finished document submitted again is verified again: its copy would be stored again, so it is refused too,
      // and its finished job stays as it was.
      await assert.rejects(
        full.submit(corpus.documents[0]!.bytes, META),
        (error: unknown) => error instanceof IngestError && error.code === 'QUEUE_FULL',
      );
      assert.equal((await full.jobStatus(corpus.documents[0]!.id))?.state, 'completed');
    } finally {
      await full.close();
    }
  });
});

// On a Redis of its own with a small maxmemory: how full it is is set here with a filler key of a known size.
describe('ingest queue memory: a band between the marks, and Redis out of memory is QUEUE_FULL', () => {
  const MAX = 32 * 1024 * 1024;
  let redis: RedisProcess;
  let admin: Redis;
  let queue: IngestQueue;
  /** A distinct document of `bytes`. */
  const document = (bytes: number): Buffer => {
    const body = Buffer.alloc(bytes, 0x61);
    body.write(`{"id":"${randomUUID()}","padding":"`);
    body.write('"}', bytes - 2);
    return body;
  };
  /** Sets the filler key to `share` of maxmemory in 1 MiB appends (one large SET would count twice while it runs). */
  const fill = async (share: number): Promise<void> => {
    await admin.del('filler');
    const chunk = Buffer.alloc(1024 * 1024, 0x62);
    const used = async (): Promise<number> => Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))?.[1]);
    while ((await used()) < share * MAX) await admin.append('filler', chunk);
  };
  const refusedFull = (error: unknown): boolean => error instanceof IngestError && error.code === 'QUEUE_FULL';

  before(async () => {
    redis = await startRedis({ maxmemory: String(MAX) });
    admin = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = createIngestQueue({
      redisUrl: redis.url,
      queueName: `test-queue-memory-${randomUUID()}`,
      attempts: 1,
      memoryHighWater: 0.8,
      memoryLowWater: 0.5,
    });
  });
  after(async () => {
    await queue?.close();
    admin?.disconnect();
    await redis?.kill();
  });

  it('refuses a burst of large documents before Redis reaches its limit, and every refusal is QUEUE_FULL', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 40 && outcomes.at(-1) !== 'QUEUE_FULL'; i++) {
      // Within one reading of Redis's memory: the documents added meanwhile must count.
      const answer = await queue.submit(document(1024 * 1024), META).then(
        () => 'accepted',
        (error: unknown) => (error instanceof IngestError ? error.code : String(error)),
      );
      outcomes.push(answer);
    }
    assert.equal(outcomes.at(-1), 'QUEUE_FULL', outcomes.join(' '));
    assert.ok(outcomes.filter((o) => o === 'accepted').length >= 5, outcomes.join(' '));
    const memory = await queue.memory();
    assert.equal(memory.full, true);
    assert.ok(memory.usedBytes < MAX, `Redis reached its limit: ${memory.usedBytes} of ${MAX}`);
  });

  it('keeps refusing until Redis is below the low-water mark, then takes documents again', async () => {
    await admin.flushall();
    await fill(0.85);
    assert.equal((await queue.memory()).full, true);
    await fill(0.65);
    const between = await queue.memory();
    assert.ok(between.ratio! > 0.5 && between.ratio! < 0.8, String(between.ratio));
    assert.equal(between.full, true, 'between the marks it stays full');
    await assert.rejects(queue.submit(document(1000), META), refusedFull);
    await fill(0.3);
    assert.equal((await queue.memory()).full, false);
    assert.equal((await queue.submit(document(1000), META)).created, true);
  });

  it('a large document refused below the low-water mark starts the band there: /readyz stays not ready', async () => {
    await admin.flushall();
    await fill(0.45);
    assert.equal((await queue.memory()).full, false);
    // 0.45 of the limit and a 5 MiB document (counted as twice its base64 copy, 0.44) would pass 0.8: refused, though
    // Redis is below the low-water mark; a fresh reading must not take documents again at once.
    await assert.rejects(queue.submit(document(5 * 1024 * 1024), META), refusedFull);
    assert.equal((await queue.memory()).full, true, 'a fresh reading keeps refusing');
    await fill(0.3);
    assert.equal((await queue.memory()).full, true, 'not yet the band below where refusing began');
    await fill(0.1);
    assert.equal((await queue.memory()).full, false);
  });

  it('Redis refusing a write for memory (past maxmemory before the next reading) is QUEUE_FULL, not unavailable', async () => {
    await admin.flushall();
    // A reading of an empty Redis, then a limit below what it uses before the queue reads it again.
    assert.equal((await queue.submit(document(1000), META)).created, true);
    await admin.config('SET', 'maxmemory', String(512 * 1024));
    try {
      await assert.rejects(queue.submit(document(1000), META), refusedFull);
      assert.equal((await queue.memory()).full, true);
    } finally {
      await admin.config('SET', 'maxmemory', String(MAX));
    }
  });
});
