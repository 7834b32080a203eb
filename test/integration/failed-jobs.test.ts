// Jobs that can never succeed fail once with a clear reason, are listed, and can be replayed: a replay moves each
// failed job back to the queue with a fresh set of attempts, it runs again, and a job whose fault is gone meanwhile
// reaches its verdict because of the replay; `replayed` counts the jobs it moved.
//
// Mutation check (by hand, reverted): with replayFailed returning the failed count without moving anything, the
// replay test fails (the document never leaves the failed set, its submission stays FAILED); with the old bulk
// retryJobs (attempts not reset), the replayed document completes on its second attempt and `attemptsMade` is 2, not 1.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RunningService } from '../../src/main.ts';
import { newSigner, omsStatement, signBundle } from '../support/attest.ts';
import { integrationEnv, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const UNUSABLE = `sha256-${'f'.repeat(64)}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('failed jobs', () => {
  const queueName = `test-failed-${process.pid}-${Date.now()}`;
  const signer = newSigner();
  const document = signBundle(omsStatement(`replayed-${queueName}`, { 'weights.bin': queueName }).doc, signer);
  let policyFile: string;
  let service: RunningService;
  let connection: Redis;
  let queue: Queue;

  before(async () => {
    policyFile = await policyFileFor(signer);
    // one attempt per job, so an infrastructure fault fails a submission at once (the default retries 12 times)
    service = await startTestService({ QUEUE_NAME: queueName, TRUST_POLICY_FILE: policyFile, JOB_ATTEMPTS: '1' });
    connection = new Redis(integrationEnv().REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(queueName, { connection });
  });
  after(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    connection?.disconnect();
    await service?.close();
  });

  const failedIds = async (): Promise<string[]> => (await queue.getRanges(['failed'], 0, -1)).sort();
  const replay = async (): Promise<number> => {
    const response = await fetch(`${service.url}/v1/failed/replay`, { method: 'POST' });
    assert.equal(response.status, 202);
    return ((await response.json()) as { replayed: number }).replayed;
  };
  /** the job once it has finished again after `since` (its previous run finished at `since`). */
  const finishedAfter = (id: string, since: number): Promise<Job> =>
    until(`job ${id} to finish again`, async () => {
      const job = await queue.getJob(id);
      return job?.finishedOn !== undefined && job.finishedOn > since ? job : undefined;
    });

  it('fails unusable job data once, without retries, and lists it with the reason', async () => {
    // Job data the API never produces (no document): the worker must give up at once, not retry 5 times.
    await queue.add('attestation', { origin: 'test' }, { jobId: UNUSABLE, attempts: 5 });
    const failed = await until('the failed list', async () => {
      const response = await fetch(`${service.url}/v1/failed`);
      assert.equal(response.status, 200);
      const list = ((await response.json()) as { failed: { id: string; failedReason: string; attemptsMade: number }[] }).failed;
      return list.length > 0 ? list : undefined;
    });
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.id, `sha256:${'f'.repeat(64)}`);
    assert.match(failed[0]?.failedReason ?? '', /not an attestation submission/);
    assert.equal(failed[0]?.attemptsMade, 1);

    const status = await fetch(`${service.url}/v1/attestations/sha256:${'f'.repeat(64)}`);
    assert.equal(((await status.json()) as { state: string }).state, 'FAILED');
  });

  it('replays failed jobs: each leaves the failed set and runs again; one whose fault is gone reaches its verdict', async () => {
    // An infrastructure fault: the trust policy file is broken, so the worker cannot verify (fail closed, retryable).
    await writeFile(policyFile, '{ "keys": [');
    await sleep(1100); // the policy store re-checks the file at most once a second
    const submitted = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body: document });
    assert.equal(submitted.status, 202);
    const { id } = (await submitted.json()) as { id: string };
    const jobId = id.replace(':', '-');
    const failedOnce = await waitForSubmission(service.url, id);
    assert.equal(failedOnce['state'], 'FAILED', JSON.stringify(failedOnce));
    assert.deepEqual(await failedIds(), [jobId, UNUSABLE].sort());
    const before = new Map<string, Job>();
    for (const jobIdBefore of [jobId, UNUSABLE]) before.set(jobIdBefore, (await queue.getJob(jobIdBefore)) as Job);

    // The fault is repaired; nothing happens to the failed job until it is replayed.
    await writeFile(policyFile, JSON.stringify({ keys: [{ id: 'replay-key', pem: signer.publicKeyPem }] }));
    await sleep(1100);
    assert.equal((await waitForSubmission(service.url, id))['state'], 'FAILED');
    assert.deepEqual(await failedIds(), [jobId, UNUSABLE].sort());

    assert.equal(await replay(), 2, 'both failed jobs moved');
    // The document ran again, with a fresh set of attempts, and completed: its verdict is there because of the replay.
    const documentJob = await finishedAfter(jobId, before.get(jobId)?.finishedOn ?? 0);
    assert.equal(await documentJob.getState(), 'completed');
    assert.equal(documentJob.attemptsMade, 1, 'one attempt since the replay: the replay reset the spent ones');
    assert.deepEqual(documentJob.returnvalue, { status: 'verified', code: null });
    const verdict = await waitForSubmission(service.url, id);
    assert.equal(verdict['state'], 'VERIFIED', JSON.stringify(verdict));
    // The unusable job ran again too, and failed again on its first attempt for the same reason.
    const unusable = await finishedAfter(UNUSABLE, before.get(UNUSABLE)?.finishedOn ?? 0);
    assert.equal(await unusable.getState(), 'failed');
    assert.equal(unusable.attemptsMade, 1);
    assert.match(unusable.failedReason, /not an attestation submission/);
    assert.deepEqual(await failedIds(), [UNUSABLE], 'the document left the failed set; the unusable job is back in it');
  });

  it('counts what it moved: the one job failed now, then none', async () => {
    const before = ((await queue.getJob(UNUSABLE)) as Job).finishedOn ?? 0;
    assert.equal(await replay(), 1);
    await finishedAfter(UNUSABLE, before);
    await until('the unusable job to be failed again', async () => ((await failedIds()).length === 1 ? true : undefined));
    await queue.remove(UNUSABLE);
    assert.deepEqual(await failedIds(), []);
    assert.equal(await replay(), 0);
  });
});
