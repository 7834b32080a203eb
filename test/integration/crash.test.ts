// Crash safety: a worker process (node src/main.ts, ROLE=worker) is SIGKILLed again and again while 1,200
// signed attestations (OMS signatures and SLSA provenance, each provenance signed twice so edges need two
// pieces of evidence) flow in over HTTP, and restarted each time. Killed mid-job, a job keeps its lock until
// WORKER_LOCK_MS passes; the next worker's stalled-job check then runs it again, possibly after its
// transaction had committed. After the last restart the graph must hold every attestation exactly once,
// VERIFIED, with no node or edge twice and every edge's evidence complete and without duplicates. Run twice: documents
// submitted one by one, and in batches (POST /v1/batches), whose progress must then count every one verified once.
// Workers write in groups (group commit, the default), so a kill also lands between a group's members.
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
import { integrationEnv, startTestService, writeTrustPolicy } from '../support/service.ts';
import { startServiceProcess, type ServiceProcess } from '../support/worker-process.ts';

const MODELS = 400; // × (1 OMS signature + 2 provenance) = 1,200 attestations
const KILLS = 6; // at least, each while jobs run
const SUBMIT_PER_SECOND = 100; // spreads the submissions over the kill phase (~12 s), so every kill finds work in flight
const LOCK_MS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const BATCH = 25;

/** Submits the corpus at SUBMIT_PER_SECOND, one document a request or BATCH a request; returns the batch ids. */
async function submitPaced(url: string, corpus: Corpus, batched: boolean): Promise<string[]> {
  const start = Date.now();
  const batches: string[] = [];
  const step = batched ? BATCH : 1;
  for (let i = 0; i < corpus.documents.length; i += step) {
    const due = start + (i * 1000) / SUBMIT_PER_SECOND;
    if (due > Date.now()) await sleep(due - Date.now());
    const group = corpus.documents.slice(i, i + step);
    const response = batched
      ? await fetch(`${url}/v1/batches?origin=crash-test`, {
          method: 'POST',
          body: group.map((d) => JSON.stringify({ document: d.bytes.toString('base64') })).join('\n'),
        })
      : await fetch(`${url}/v1/attestations?origin=crash-test`, { method: 'POST', body: new Uint8Array(group[0]?.bytes ?? []) });
    assert.equal(response.status, 202, await response.clone().text());
    if (batched) batches.push(((await response.json()) as { id: string }).id);
  }
  return batches;
}

for (const batched of [false, true])
  describe(`worker killed with SIGKILL mid-ingest, restarted each time (${batched ? 'batches' : 'one document a request'})`, () => {
    const env = integrationEnv();
    const queueName = `test-crash-${randomUUID()}`;
    const corpus = lineageCorpus({ models: MODELS, tag: `crash-${randomUUID()}`, cosigned: true });
    let api: RunningService;
    let worker: ServiceProcess | undefined;
    let workerEnv: Record<string, string>;
    let graph: GraphConnection;
    let redis: Redis;
    let queue: Queue;

    before(async () => {
      const policyFile = await writeTrustPolicy(policyFor(...corpus.signers));
      api = await startTestService({ ROLE: 'api', QUEUE_NAME: queueName, TRUST_POLICY_FILE: policyFile });
      workerEnv = {
        ...env,
        ROLE: 'worker',
        PORT: '0',
        QUEUE_NAME: queueName,
        TRUST_POLICY_FILE: policyFile,
        WORKER_CONCURRENCY: '4',
        WORKER_LOCK_MS: String(LOCK_MS),
        LOG_LEVEL: 'error',
      };
      graph = connectGraph({ uri: env.NEO4J_URI, database: 'neo4j' });
      redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
      queue = new Queue(queueName, { connection: redis });
    });

    after(async () => {
      await worker?.stop('SIGKILL');
      await api?.close();
      await queue?.obliterate({ force: true }).catch(() => undefined);
      await queue?.close();
      redis?.disconnect();
      await graph?.driver.close();
    });

    it('ingests every attestation exactly once, verified, with no duplicate node, edge or evidence', async () => {
      assert.equal(corpus.documents.length, 1200);
      worker = await startServiceProcess(workerEnv);
      let submitted = false;
      const submitting = submitPaced(api.url, corpus, batched).then((ids) => {
        submitted = true;
        return ids;
      });

      // Kill each new worker, until KILLS kills have hit it mid-ingest: having completed jobs in its short life with
      // a backlog waiting, a worker is running its full WORKER_CONCURRENCY of jobs, and those are what SIGKILL
      // interrupts. The backlog builds while a worker is down and a fresh one drains it within a second on a fast
      // machine, so a kill waits a random 0.1–0.6 s (different points of a job's transaction) and then only until
      // that is the case, at most 4 s (a cold worker's first job takes longer): a fixed delay missed the backlog on fast
      // machines.
      const kills: { completed: number; backlog: number }[] = [];
      const midIngest = (): number => kills.filter((k) => k.completed > 0 && k.backlog > 0).length;
      while (midIngest() < KILLS && kills.length < 3 * KILLS) {
        const before = await queue.getJobCounts('completed');
        const latest = Date.now() + 4000;
        await sleep(100 + Math.random() * 500);
        let at = await queue.getJobCounts('completed', 'waiting');
        while (Date.now() < latest && !((at['completed'] ?? 0) > (before['completed'] ?? 0) && (at['waiting'] ?? 0) > 0)) {
          await sleep(20);
          at = await queue.getJobCounts('completed', 'waiting');
        }
        await worker.stop('SIGKILL');
        kills.push({ completed: (at['completed'] ?? 0) - (before['completed'] ?? 0), backlog: at['waiting'] ?? 0 });
        worker = await startServiceProcess(workerEnv);
        if (submitted && kills.at(-1)?.backlog === 0) break;
      }
      const batchIds = await submitting;
      assert.ok(midIngest() >= KILLS, `kills mid-ingest: ${midIngest()} of ${JSON.stringify(kills)}`);

      // The last worker stays up: it finds the jobs the killed ones left locked and runs them again.
      const deadline = Date.now() + 90_000;
      let counts: Record<string, number>;
      for (;;) {
        counts = await queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
        if ((counts['completed'] ?? 0) + (counts['failed'] ?? 0) >= corpus.documents.length) break;
        assert.ok(Date.now() < deadline, `not drained within 90 s: ${JSON.stringify(counts)}`);
        await sleep(250);
      }
      assert.equal(counts['failed'], 0, 'no job failed');

      const jobs = await queue.getJobs(['completed'], 0, -1);
      const stalled = jobs.filter((job) => job.stalledCounter > 0).length;
      assert.ok(stalled > 0, 'some jobs were taken from killed workers and run again (stalled-job recovery)');

      await assertCorpusIntact(graph, corpus);
      if (batched) {
        // every document counted once, verified, in its batch, however often its job ran
        let verified = 0;
        for (const id of batchIds) {
          const progress = (await (await fetch(`${api.url}/v1/batches/${id}`)).json()) as Record<string, number>;
          assert.deepEqual([progress['pending'], progress['rejected'], progress['failed']], [0, 0, 0], id);
          verified += progress['verified'] ?? 0;
        }
        assert.equal(verified, corpus.documents.length);
      }
      console.log(
        `# ${kills.length} kills, ${midIngest()} mid-ingest (jobs completed in each worker's life / backlog at the kill: ` +
          `${kills.map((k) => `${k.completed}/${k.backlog}`).join(', ')}); ${stalled} jobs recovered after a stall; ` +
          `${corpus.expectedEdges.length} edges checked`,
      );
    });
  });
