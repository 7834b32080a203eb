// The queue on a real 3-master Redis Cluster (test/support/redis-cluster.ts) with the real Neo4j: single and batch
// submissions and their status work; the master holding the queue's slot is killed (SIGKILL) in the middle of an
// ingest: submissions are refused with SERVICE_UNAVAILABLE and /readyz says Redis is down while it is away, nothing
// the service acknowledged is lost, and once the master is back the service takes documents again by itself.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { newSigner, provenance, sha256, signEnvelope } from '../support/attest.ts';
import { startRedisCluster, type RedisClusterProcess } from '../support/redis-cluster.ts';
import { policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';

const PREFIX = '{mpg-test}';

describe('ingest on a Redis Cluster (3 masters)', () => {
  let cluster: RedisClusterProcess;
  let service: RunningService;
  const signer = newSigner();
  const tag = randomUUID();
  const doc = (n: number): string =>
    signEnvelope(
      provenance({
        subjects: [{ name: `cluster-${tag}/model-${n}`, digest: { sha256: sha256(`${tag}/${n}`) } }],
        dependencies: [{ name: `cluster-${tag}/data`, digest: { sha256: sha256(`${tag}/data`) } }],
        runKind: 'training',
        invocationId: `${tag}-${n}`,
      }),
      signer,
    );
  const submit = (body: string) => fetch(`${service.url}/v1/attestations`, { method: 'POST', body });

  before(async () => {
    cluster = await startRedisCluster();
    service = await startTestService({
      TRUST_POLICY_FILE: await policyFileFor(signer),
      REDIS_CLUSTER_NODES: cluster.nodes.join(','),
      QUEUE_PREFIX: PREFIX,
      // a retry soon after the master is back, and jobs running at the kill picked up again within seconds
      JOB_BACKOFF_MS: '200',
      WORKER_LOCK_MS: '2000',
    });
  });
  after(async () => {
    await service?.close();
    await cluster?.remove();
  });

  it('takes single documents and batches, and reports their state', async () => {
    const single = doc(0);
    const answer = await submit(single);
    assert.equal(answer.status, 202);
    assert.equal((await waitForSubmission(service.url, `sha256:${sha256(single)}`))['state'], 'VERIFIED');
    const lines = Array.from({ length: 20 }, (_, n) => doc(1 + n));
    const batch = (await (await fetch(`${service.url}/v1/batches`, { method: 'POST', body: lines.join('\n') })).json()) as {
      id: string;
      total: number;
    };
    assert.equal(batch.total, 20);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const progress = (await (await fetch(`${service.url}/v1/batches/${batch.id}`)).json()) as Record<string, number>;
      if (progress['pending'] === 0) {
        assert.equal(progress['verified'], 20);
        break;
      }
      assert.ok(Date.now() < deadline, 'the batch did not finish');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ready = (await (await fetch(`${service.url}/readyz`)).json()) as { checks: Record<string, string> };
    assert.equal(ready.checks['redis'], 'ok');
  });

  it('loses nothing it acknowledged when the master holding the queue is killed mid-ingest, and recovers', async () => {
    const master = await cluster.masterFor(PREFIX);
    const acknowledged: string[] = [];
    const refused: string[] = [];
    let killed = false;
    for (let n = 100; n < 160 && refused.length < 5; n++) {
      if (n === 120) {
        await master.kill();
        killed = true;
      }
      const body = doc(n);
      const response = await submit(body);
      if (response.status === 202) acknowledged.push(body);
      else {
        assert.ok(killed, `refused before the master was killed: ${response.status}`);
        assert.equal(response.status, 503);
        const error = ((await response.json()) as { error: { code: string } }).error;
        assert.equal(error.code, 'SERVICE_UNAVAILABLE');
        refused.push(body);
      }
    }
    assert.ok(acknowledged.length >= 20, 'the documents before the kill were taken');
    assert.ok(refused.length > 0, 'documents sent while the master was down were refused');
    const down = await fetch(`${service.url}/readyz`);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as { checks: Record<string, string> }).checks['redis'], 'down');

    await master.start();
    await cluster.healthy();
    // the service takes documents again by itself: the refused ones, resubmitted as a client would
    const deadline = Date.now() + 60_000;
    for (const body of refused) {
      for (;;) {
        const response = await submit(body);
        if (response.status === 202) break;
        assert.ok(Date.now() < deadline, `still refused after the master returned: ${response.status}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    for (const body of [...acknowledged, ...refused]) {
      const state = await waitForSubmission(service.url, `sha256:${sha256(body)}`, 120_000);
      assert.equal(state['state'], 'VERIFIED');
    }
    assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
  });
});
