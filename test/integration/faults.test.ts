// Faults an operator meets, on real servers of the test's own (a private Redis, a private Neo4j):
//  - Redis killed and started again: the service logs it as JSON lines only (no raw stacks), answers 503 meanwhile
//    and takes submissions again afterwards;
//  - Neo4j killed: requests that need it get 503 SERVICE_UNAVAILABLE within 2 s, and answers again once it is back;
//  - 50 concurrent submissions of one new document: exactly one `created: true`, and the metric counts one;
//  - without API tokens, a document over OPEN_INGEST_MAX_BYTES is refused, saying a token is needed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { RunningService } from '../../src/main.ts';
import { lineageCorpus } from '../support/corpus.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { freePort } from '../support/free-port.ts';
import { startRedis, type RedisProcess } from '../support/redis-process.ts';
import { integrationEnv, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';
import { startServiceProcess, type ServiceProcess } from '../support/worker-process.ts';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(url: string, init?: RequestInit): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, ms: performance.now() - started };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms`);
    await sleep(200);
  }
}

describe('Redis killed and started again', () => {
  let redis: RedisProcess;
  let service: ServiceProcess;
  let stderr = '';

  before(async () => {
    redis = await startRedis();
    service = await startServiceProcess({
      PORT: '0',
      NEO4J_URI: integrationEnv().NEO4J_URI,
      REDIS_URL: redis.url,
      QUEUE_NAME: `test-redis-fault-${randomUUID()}`,
      LOG_LEVEL: 'info',
    });
    service.child.stderr?.on('data', (chunk: Buffer | string) => (stderr += chunk.toString()));
  });
  after(async () => {
    await service?.stop();
    await redis?.kill();
  });

  it('logs the outage as JSON lines only, answers 503 meanwhile, and takes submissions again afterwards', async () => {
    const submit = (n: number) =>
      timed(`${service.url}/v1/attestations`, { method: 'POST', body: JSON.stringify({ n, at: randomUUID() }) });
    assert.equal((await submit(0)).status, 202);
    await redis.kill();
    const outageStarted = Date.now();
    const during = await submit(1);
    assert.equal(during.status, 503);
    assert.equal(during.body.error.code, 'SERVICE_UNAVAILABLE');
    const ready = await timed(`${service.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.checks.redis, 'down');
    await sleep(Math.max(0, 4000 - (Date.now() - outageStarted)));
    await redis.start();
    await until('/readyz 200 after Redis is back', 30_000, async () =>
      (await timed(`${service.url}/readyz`)).status === 200 ? true : null,
    );
    await until('a submission accepted after Redis is back', 30_000, async () =>
      (await submit(2)).status === 202 ? true : null,
    );

    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    const unstructured = lines.filter((line) => {
      try {
        const entry = JSON.parse(line) as { level?: unknown; message?: unknown };
        return typeof entry.level !== 'string' || typeof entry.message !== 'string';
      } catch {
        return true;
      }
    });
    assert.deepEqual(
      unstructured.slice(0, 5),
      [],
      `${unstructured.length} of ${lines.length} stderr lines are not JSON log entries`,
    );
    const redisErrors = lines.filter((line) => line.includes('redis connection error'));
    assert.ok(redisErrors.length > 0, 'the outage is logged');
    assert.ok(redisErrors.length < 50, `logged ${redisErrors.length} times in a few seconds: once per kind, not per retry`);
    console.log(`# Redis outage: ${lines.length} log lines, all JSON; ${redisErrors.length} about the connection`);
  });
});

describe('Neo4j killed while the service runs', () => {
  const home = path.join(REPO_ROOT, '.data', `neo4j-faults-${randomUUID().slice(0, 8)}`);
  const corpus = lineageCorpus({ models: 1, tag: `faults-${randomUUID()}` });
  let neo4j: (command: 'start' | 'stop') => Promise<void>;
  let service: RunningService;

  before(async () => {
    const port = await freePort();
    const env = {
      ...process.env,
      NEO4J_BOLT_PORT: String(port),
      NEO4J_HOME_DIR: home,
      NEO4J_HEAP: '512m',
      NEO4J_PAGECACHE: '64m',
    };
    neo4j = async (command) => {
      await run('bash', [path.join(REPO_ROOT, 'scripts/neo4j.sh'), command], { env, timeout: 180_000 });
    };
    await neo4j('start');
    service = await startTestService({
      NEO4J_URI: `bolt://127.0.0.1:${port}`,
      TRUST_POLICY_FILE: await policyFileFor(...corpus.signers),
    });
    for (const document of corpus.documents) {
      const submitted = await timed(`${service.url}/v1/attestations`, { method: 'POST', body: new Uint8Array(document.bytes) });
      assert.equal(submitted.status, 202);
      assert.equal((await waitForSubmission(service.url, document.id, 60_000))['state'], 'VERIFIED');
    }
  });
  after(async () => {
    await service?.close();
    await neo4j?.('stop').catch(() => undefined);
    await Promise.all([home, `${home}.pid`, `${home}.log`].map((p) => rm(p, { recursive: true, force: true })));
  });

  it('answers 503 SERVICE_UNAVAILABLE within 2 s while Neo4j is down, and answers again once it is back', async () => {
    const model = corpus.models[0]!;
    const query = (): Promise<{ status: number; body: any; ms: number }> =>
      timed(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query($d:String!){model(digest:$d){name}}', variables: { d: model } }),
      });
    assert.equal((await query()).body.data.model !== null, true);

    // SIGKILL: the server is gone at once, as in a crash (a TERM would shut it down over several seconds).
    const pid = Number(readFileSync(`${home}.pid`, 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    const answers: { what: string; status: number; code: string | undefined; ms: number }[] = [];
    const started = Date.now();
    while (Date.now() - started < 5000) {
      const graphql = await query();
      answers.push({
        what: 'graphql',
        status: graphql.status,
        code: graphql.body?.errors?.[0]?.extensions?.code,
        ms: graphql.ms,
      });
      const status = await timed(`${service.url}/v1/attestations/${corpus.documents[0]!.id}`);
      answers.push({ what: 'status', status: status.status, code: status.body?.error?.code, ms: status.ms });
      const ready = await timed(`${service.url}/readyz`);
      answers.push({ what: 'readyz', status: ready.status, code: ready.body?.checks?.neo4j, ms: ready.ms });
      await sleep(250);
    }
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(
      `# Neo4j down: ${answers.length} answers, slowest ${Math.round(slowest)} ms; first ${JSON.stringify(answers.slice(0, 3))}`,
    );
    for (const answer of answers) {
      assert.ok(answer.ms < 2000, `${answer.what} answered in ${Math.round(answer.ms)} ms`);
      assert.equal(answer.status, 503, JSON.stringify(answer));
      assert.equal(answer.code, answer.what === 'readyz' ? 'down' : 'SERVICE_UNAVAILABLE', JSON.stringify(answer));
    }

    await neo4j('start');
    await until('GraphQL answers again after Neo4j is back', 60_000, async () => {
      const again = await query();
      return again.status === 200 && again.body.data?.model ? true : null;
    });
  });
});

describe('concurrent and open submissions', () => {
  let service: RunningService;
  before(async () => {
    service = await startTestService({ OPEN_INGEST_MAX_BYTES: String(64 * 1024) });
  });
  after(() => service?.close());

  const createdCount = async (): Promise<number> => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    return Number(/^mpg_submissions_total\{created="true"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
  };

  it('50 concurrent submissions of one new document: exactly one created:true, and the metric counts one', async () => {
    const before = await createdCount();
    const body = JSON.stringify({ concurrent: randomUUID() });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => timed(`${service.url}/v1/attestations`, { method: 'POST', body })),
    );
    assert.ok(
      answers.every((a) => a.status === 202),
      JSON.stringify(answers.find((a) => a.status !== 202)),
    );
    assert.equal(answers.filter((a) => a.body.created === true).length, 1);
    assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
    assert.equal((await createdCount()) - before, 1);
  });

  it('without API tokens, a document over OPEN_INGEST_MAX_BYTES is refused, saying a token would allow it', async () => {
    const big = await timed(`${service.url}/v1/attestations`, {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
    assert.match(big.body.error.message, /API_INGEST_TOKENS/);
    const small = await timed(`${service.url}/v1/attestations`, {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(1024) }),
    });
    assert.equal(small.status, 202);
  });
});
