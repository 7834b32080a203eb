// Jobs that can never succeed fail once with a clear reason, are listed, and can be replayed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RunningService } from '../../src/main.ts';
import { integrationEnv, startTestService } from '../support/service.ts';

describe('failed jobs', () => {
  const queueName = `test-failed-${process.pid}-${Date.now()}`;
  let service: RunningService;
  let connection: Redis;
  let queue: Queue;

  before(async () => {
    service = await startTestService({ QUEUE_NAME: queueName });
    connection = new Redis(integrationEnv().REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(queueName, { connection });
  });
  after(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    connection?.disconnect();
    await service?.close();
  });

  it('fails unusable job data once, without retries, and lists it with the reason', async () => {
    // Job data the API never produces (no document): the worker must give up at once, not retry 12 times.
    await queue.add('attestation', { origin: 'test' }, { jobId: `sha256-${'f'.repeat(64)}`, attempts: 5 });
    let failed: { id: string; failedReason: string; attemptsMade: number; origin: string | null }[] = [];
    for (let i = 0; i < 100 && failed.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await fetch(`${service.url}/v1/failed`);
      assert.equal(response.status, 200);
      failed = ((await response.json()) as { failed: typeof failed }).failed;
    }
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.id, `sha256:${'f'.repeat(64)}`);
    assert.match(failed[0]?.failedReason ?? '', /not an attestation submission/);
    assert.equal(failed[0]?.attemptsMade, 1);

    const status = await fetch(`${service.url}/v1/attestations/sha256:${'f'.repeat(64)}`);
    assert.equal(((await status.json()) as { state: string }).state, 'FAILED');
  });

  it('replays failed jobs on request', async () => {
    const response = await fetch(`${service.url}/v1/failed/replay`, { method: 'POST' });
    assert.equal(response.status, 202);
    assert.equal(((await response.json()) as { replayed: number }).replayed, 1);
    // The replayed job runs again (and, its data still being unusable, fails again).
    for (let i = 0; i < 100; i++) {
      const counts = await queue.getJobCounts('failed', 'waiting', 'active');
      if (counts['failed'] === 1 && counts['waiting'] === 0 && counts['active'] === 0) {
        const [job] = await queue.getFailed(0, 0);
        assert.ok(job && job.attemptsMade >= 1);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail('the replayed job did not run');
  });
});
