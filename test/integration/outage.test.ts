// Neo4j outage mid-ingest: while signed attestations flow in over HTTP, Neo4j is stopped, left down for a few
// seconds and started again. Submissions keep being accepted (they wait in Redis), /readyz reports Neo4j down,
// jobs that hit the outage fail and are retried with backoff, and afterwards every attestation is in the graph
// exactly once, VERIFIED, nothing FAILED, no node, edge or piece of evidence twice.
//
// Other test files share the suite's Neo4j, so this one starts a Neo4j of its own (test/support/private-neo4j.ts),
// and removes it afterwards, also when the test fails.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { policyFor } from '../support/attest.ts';
import { assertCorpusIntact } from '../support/audit.ts';
import { lineageCorpus, type Corpus } from '../support/corpus.ts';
import { privateNeo4j, type PrivateNeo4j } from '../support/private-neo4j.ts';
import { integrationEnv, startTestService, writeTrustPolicy } from '../support/service.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const MODELS = 120; // × (1 OMS signature + 2 provenance) = 360 attestations
const OUTAGE_MS = 4000;

interface Readiness {
  readonly status: number;
  readonly neo4j: string;
  /** how long the slowest /readyz answer took while waiting. */
  readonly slowestMs: number;
}

/** Polls /readyz until Neo4j is reported `neo4j` (ok or down) with redis up, for up to 15 s. */
async function readiness(url: string, neo4j: 'ok' | 'down'): Promise<Readiness> {
  const deadline = Date.now() + 15_000;
  let slowestMs = 0;
  for (;;) {
    const start = Date.now();
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(30_000) });
    const body = (await response.json()) as { checks: { neo4j: string; redis: string } };
    slowestMs = Math.max(slowestMs, Date.now() - start);
    // Just after start the queue's Redis connection may still be connecting: redis reads down for a moment.
    if ((body.checks.neo4j === neo4j && body.checks.redis === 'ok') || Date.now() > deadline)
      return { status: response.status, neo4j: body.checks.neo4j, slowestMs };
    await sleep(100);
  }
}

async function submit(url: string, documents: Corpus['documents']): Promise<void> {
  for (const document of documents) {
    const response = await fetch(`${url}/v1/attestations?origin=outage-test`, {
      method: 'POST',
      body: new Uint8Array(document.bytes),
    });
    assert.equal(response.status, 202, await response.text());
  }
}

describe('Neo4j stopped mid-ingest and started again', () => {
  const queueName = `test-outage-${randomUUID()}`;
  const corpus = lineageCorpus({ models: MODELS, tag: `outage-${randomUUID()}`, cosigned: true });
  let neo4j: PrivateNeo4j | undefined;
  let service: RunningService | undefined;
  let graph: GraphConnection | undefined;
  let redis: Redis | undefined;
  let queue: Queue | undefined;

  before(async () => {
    neo4j = await privateNeo4j('outage');
    await neo4j.start();
    const uri = neo4j.uri;
    const policyFile = await writeTrustPolicy(policyFor(...corpus.signers));
    service = await startTestService({
      NEO4J_URI: uri,
      QUEUE_NAME: queueName,
      TRUST_POLICY_FILE: policyFile,
      WORKER_CONCURRENCY: '8',
      // Retries start after 0.2 s and double: attempts 2–8 span about 25 s, so a job that meets the outage
      // is retried soon after Neo4j is back, long before 20 attempts run out.
      JOB_BACKOFF_MS: '200',
      JOB_ATTEMPTS: '20',
    });
    graph = connectGraph({ uri, database: 'neo4j' });
    redis = new Redis(integrationEnv().REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(queueName, { connection: redis });
  });

  after(async () => {
    await service?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    await graph?.driver.close();
    await neo4j?.remove();
  });

  it('loses nothing and duplicates nothing; /readyz reports Neo4j down meanwhile', async () => {
    assert.ok(service && queue && graph && neo4j);
    const { url } = service;
    const third = Math.floor(corpus.documents.length / 3);
    const [early, during, late] = [
      corpus.documents.slice(0, third),
      corpus.documents.slice(third, 2 * third),
      corpus.documents.slice(2 * third),
    ];
    const up = await readiness(url, 'ok');
    assert.equal(up.status, 200);

    // A first third flows in; Neo4j stops while those jobs are still being written.
    const submittingEarly = submit(url, early);
    for (;;) {
      const { completed = 0 } = await queue.getJobCounts('completed');
      if (completed >= 20) break;
      await sleep(20);
    }
    const t0 = Date.now();
    await neo4j.stop();
    const stoppedMs = Date.now() - t0;
    await submittingEarly;
    const down = await readiness(url, 'down');
    assert.equal(down.neo4j, 'down');
    assert.equal(down.status, 503);
    assert.ok(down.slowestMs < 5000, `/readyz answers within 5 s (took ${down.slowestMs} ms)`);

    // Submissions are still accepted during the outage: they wait in the queue.
    await submit(url, during);
    await sleep(OUTAGE_MS);
    const stuck = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    assert.equal(stuck['failed'], 0, 'no job gave up during the outage');
    assert.ok((stuck['completed'] ?? 0) < corpus.documents.length, `work was held up: ${JSON.stringify(stuck)}`);

    const t1 = Date.now();
    await neo4j.start();
    const startMs = Date.now() - t1;
    await submit(url, late);
    // A restarted Neo4j plans the ingest statements again on a cold JVM: its first transactions take seconds.
    const deadline = Date.now() + 120_000;
    let counts: Record<string, number>;
    for (;;) {
      counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      if ((counts['completed'] ?? 0) + (counts['failed'] ?? 0) >= corpus.documents.length) break;
      assert.ok(Date.now() < deadline, `not drained within 120 s of the restart: ${JSON.stringify(counts)}`);
      await sleep(250);
    }
    const drainMs = Date.now() - t1 - startMs;
    assert.equal(counts['failed'], 0, 'no job FAILED');
    assert.equal((await readiness(url, 'ok')).status, 200);

    const jobs = await queue.getJobs(['completed'], 0, -1);
    const retried = jobs.filter((job) => job.attemptsMade > 1).length;
    assert.ok(retried > 0, 'some jobs failed on the outage and were retried');
    for (const document of corpus.documents) {
      const status = (await (await fetch(`${url}/v1/attestations/${document.id}`)).json()) as { state: string };
      assert.equal(status.state, 'VERIFIED', document.id);
    }

    await assertCorpusIntact(graph, corpus);
    console.log(
      `# ${corpus.documents.length} attestations; /readyz during the outage: ${down.status} neo4j ${down.neo4j} in ${down.slowestMs} ms; ` +
        `held up at ${JSON.stringify(stuck)}; ${retried} jobs retried; stop ${stoppedMs} ms, start ${startMs} ms, ` +
        `drained ${drainMs} ms after the restart`,
    );
  });
});
