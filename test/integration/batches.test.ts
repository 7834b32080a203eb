// Batches on the real Neo4j and Redis (docs/INGEST.md): many documents in one request, their progress in one read,
// and every count checked against the per-document statuses read one by one. Two batches of the same documents
// submitted at once both finish with every document counted (one run of each, watched by both).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { newSigner, provenance, sha256, signEnvelope, type Signer } from '../support/attest.ts';
import { graphql, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';

interface Progress {
  id: string;
  total: number;
  pending: number;
  verified: number;
  rejected: number;
  failed: number;
  rejectedByCode: Record<string, number>;
  problems: { id: string; origin: string; state: string; code: string | null }[];
}

const tag = randomUUID();
/** A signed SLSA provenance document about an artifact of its own. */
function provenanceDoc(signer: Signer, n: number): string {
  return signEnvelope(
    provenance({
      subjects: [{ name: `batch-${tag}/model-${n}`, digest: { sha256: sha256(`${tag}/model/${n}`) } }],
      dependencies: [{ name: `batch-${tag}/data`, digest: { sha256: sha256(`${tag}/data`) } }],
      runKind: 'training',
      invocationId: `${tag}-${n}`,
    }),
    signer,
  );
}

async function post(
  baseUrl: string,
  body: string,
  contentType = 'application/x-ndjson',
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${baseUrl}/v1/batches?origin=test`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function settled(baseUrl: string, id: string, timeoutMs = 90_000): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/v1/batches/${id}?limit=1000`);
    assert.equal(response.status, 200);
    const progress = (await response.json()) as Progress;
    if (progress.pending === 0) return progress;
    assert.ok(Date.now() < deadline, `batch ${id} still has ${progress.pending} pending`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('batches: POST /v1/batches and GET /v1/batches/<id>', () => {
  let service: RunningService;
  let baseUrl: string;
  const trusted = newSigner();
  const stranger = newSigner();
  const good = Array.from({ length: 30 }, (_, n) => provenanceDoc(trusted, n));
  const untrusted = Array.from({ length: 3 }, (_, n) => provenanceDoc(stranger, 100 + n));
  // pretty-printed, so it cannot be a line of its own: sent wrapped, its exact bytes in base64
  const pretty = JSON.stringify(JSON.parse(provenanceDoc(trusted, 200)), null, 2);
  const garbage = `not a document ${tag}`;
  const lines = [
    ...good,
    ...untrusted,
    garbage,
    good[0] as string, // given twice: counted once
    '',
    JSON.stringify({ document: Buffer.from(pretty).toString('base64'), origin: 'file:pretty.json' }),
  ];
  const ids = [...good, ...untrusted, garbage, pretty].map((doc) => `sha256:${sha256(doc)}`);

  before(async () => {
    service = await startTestService({ TRUST_POLICY_FILE: await policyFileFor(trusted), BATCH_MAX_DOCUMENTS: '50' });
    baseUrl = service.url;
  });
  after(async () => {
    await service?.close();
  });

  it('takes a JSON Lines batch at once and reports its progress; every count agrees with the documents one by one', async () => {
    const submitted = await post(baseUrl, lines.join('\n'));
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    assert.equal(submitted.body['total'], ids.length);
    assert.equal(submitted.body['duplicates'], 1);
    assert.equal(submitted.body['created'], ids.length);
    assert.equal(submitted.body['status'], `/v1/batches/${submitted.body['id']}`);

    const progress = await settled(baseUrl, submitted.body['id']);
    const states = await Promise.all(ids.map((id) => waitForSubmission(baseUrl, id)));
    const verified = states.filter((s) => s['state'] === 'VERIFIED').length;
    assert.equal(verified, 31);
    assert.deepEqual(
      { total: progress.total, verified: progress.verified, rejected: progress.rejected, failed: progress.failed },
      { total: ids.length, verified, rejected: ids.length - verified, failed: 0 },
    );
    const byCode: Record<string, number> = {};
    for (const s of states) {
      const code = (s['attestation'] as { reasonCode?: string | null } | null)?.reasonCode;
      if (s['state'] === 'REJECTED' && code) byCode[code] = (byCode[code] ?? 0) + 1;
    }
    assert.deepEqual(progress.rejectedByCode, byCode);
    // the problems name each rejected document with where it came from
    const rejectedIds = states.filter((s) => s['state'] === 'REJECTED').map((s) => s['id']);
    assert.deepEqual(progress.problems.map((p) => p.id).sort(), [...rejectedIds].sort());
    const garbageProblem = progress.problems.find((p) => p.id === `sha256:${sha256(garbage)}`);
    assert.equal(garbageProblem?.origin, 'test:line 34');
    assert.ok(garbageProblem?.code);

    // the same over GraphQL
    const answer = await graphql(
      baseUrl,
      `
        query ($id: ID!) {
          ingestBatch(id: $id) {
            total
            pending
            verified
            rejected
            failed
            rejectedByCode {
              code
              count
            }
            problems(first: 1000) {
              id
              origin
              state
              code
            }
          }
        }
      `,
      { id: submitted.body['id'] },
    );
    const batch = answer.data?.['ingestBatch'] as Record<string, any>;
    assert.deepEqual(
      [batch['total'], batch['pending'], batch['verified'], batch['rejected'], batch['failed']],
      [progress.total, 0, progress.verified, progress.rejected, 0],
    );
    assert.deepEqual(
      Object.fromEntries(batch['rejectedByCode'].map((c: { code: string; count: number }) => [c.code, c.count])),
      byCode,
    );
    assert.deepEqual(
      batch['problems'].map((p: { id: string; state: string }) => [p.id, p.state]),
      progress.problems.map((p) => [p.id, 'REJECTED']),
    );
  });

  it('a batch of documents already known queues fresh runs and counts each once; two at once both finish', async () => {
    const body = lines.join('\n');
    const [a, b] = await Promise.all([post(baseUrl, body), post(baseUrl, body)]);
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.equal(a.body['created'] + b.body['created'], 0, 'every document was known');
    for (const batch of [a, b]) {
      const progress = await settled(baseUrl, batch.body['id']);
      assert.equal(progress.total, ids.length);
      assert.equal(progress.verified, 31);
      assert.equal(progress.rejected, ids.length - 31);
    }
  });

  it('a JSON array batch: each element a document (compact form) or a wrapper', async () => {
    const doc = JSON.parse(provenanceDoc(trusted, 300)) as unknown;
    const wrappedDoc = provenanceDoc(trusted, 301);
    const submitted = await post(
      baseUrl,
      JSON.stringify([doc, { document: Buffer.from(wrappedDoc).toString('base64') }]),
      'application/json',
    );
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const progress = await settled(baseUrl, submitted.body['id']);
    assert.equal(progress.verified, 2);
    for (const id of [`sha256:${sha256(JSON.stringify(doc))}`, `sha256:${sha256(wrappedDoc)}`])
      assert.equal((await waitForSubmission(baseUrl, id))['state'], 'VERIFIED');
  });

  it('refuses what it cannot take, with the code and the reason', async () => {
    const tooMany = await post(baseUrl, Array.from({ length: 51 }, (_, n) => provenanceDoc(trusted, 400 + n)).join('\n'));
    assert.equal(tooMany.status, 413);
    assert.equal(tooMany.body['error'].code, 'PAYLOAD_TOO_LARGE');
    assert.match(tooMany.body['error'].message, /51 documents; the limit is 50/);
    const empty = await post(baseUrl, '\n\n');
    assert.equal(empty.status, 400);
    assert.match(empty.body['error'].message, /no documents/);
    const notArray = await post(baseUrl, '{"a": 1}', 'application/json');
    assert.equal(notArray.status, 400);
    const unknown = await fetch(`${baseUrl}/v1/batches/${randomUUID()}`);
    assert.equal(unknown.status, 404);
    const badId = await fetch(`${baseUrl}/v1/batches/nope`);
    assert.equal(badId.status, 400);
  });
});
