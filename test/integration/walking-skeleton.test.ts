// End to end on the real Neo4j and Redis: submit a real key-signed OMS bundle over HTTP, let the
// worker verify and link it, read it back over GraphQL; tampered and malformed documents are
// rejected with a reason code, recorded, and damage nothing already in the graph.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { OMS_CONFORMANCE, requireShared } from '../support/paths.ts';
import { graphql, startTestService, waitForSubmission, writeTrustPolicy } from '../support/service.ts';

const BUNDLE = readFileSync(path.join(OMS_CONFORMANCE, 'cases/positive/key-multi-file/bundle.sig'));
const KEY_PEM = path.join(OMS_CONFORMANCE, 'assets/keys/certificate/signing-key-pub.pem');

interface Statement {
  subject: { name: string; digest: { sha256: string } }[];
  predicate: { resources: { name: string; digest: string }[] };
}

function decode(bundle: Buffer): { json: Record<string, any>; statement: Statement } {
  const json = JSON.parse(bundle.toString('utf8'));
  return { json, statement: JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8')) };
}

function reencode(json: Record<string, any>, statement: Statement): Buffer {
  const copy = structuredClone(json);
  copy.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  return Buffer.from(JSON.stringify(copy));
}

async function submit(baseUrl: string, body: Uint8Array | string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/v1/attestations`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const MODEL_QUERY = `query ($digest: String!) {
  model(digest: $digest) {
    digest name signatureStatus
    files { path digest }
    attestations { digest status method signer { kind fingerprint } }
  }
}`;

describe('walking skeleton: HTTP ingest → BullMQ → verify → Neo4j → GraphQL', () => {
  let service: RunningService;
  const { statement } = decode(BUNDLE);
  const root = `sha256:${statement.subject[0]!.digest.sha256}`;

  before(async () => {
    requireShared();
    const policyFile = await writeTrustPolicy({ keys: [{ id: 'oms-conformance-p384', pemFile: KEY_PEM }] });
    service = await startTestService({ TRUST_POLICY_FILE: policyFile, MAX_BODY_BYTES: '200000' });
  });
  after(async () => {
    await service?.close();
  });

  it('verifies a key-signed OMS bundle and answers model(digest) with its files and signer', async () => {
    const submitted = await submit(service.url, BUNDLE);
    assert.equal(submitted.status, 202);
    const id = `sha256:${createHash('sha256').update(BUNDLE).digest('hex')}`;
    assert.equal(submitted.body['id'], id);

    const done = await waitForSubmission(service.url, id);
    assert.equal(done['state'], 'VERIFIED', JSON.stringify(done));

    const { data, errors } = await graphql(service.url, MODEL_QUERY, { digest: root });
    assert.equal(errors, undefined);
    const model = data?.['model'] as Record<string, any>;
    assert.equal(model['digest'], root);
    assert.equal(model['signatureStatus'], 'VERIFIED');
    assert.deepEqual(
      model['files'].map((f: { path: string }) => f.path),
      ['config.json', 'subdir/adapter.bin', 'weights.bin'],
    );
    for (const file of model['files']) assert.match(file.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(model['attestations'].length, 1);
    assert.equal(model['attestations'][0].status, 'VERIFIED');
    assert.equal(model['attestations'][0].method, 'key');
    assert.equal(model['attestations'][0].signer.kind, 'KEY');
    assert.match(model['attestations'][0].signer.fingerprint, /^[0-9a-f]{64}$/);
  });

  it('treats the same bundle sent twice as one submission', async () => {
    const again = await submit(service.url, BUNDLE);
    assert.equal(again.status, 202);
    assert.equal(again.body['created'], false);
    const { data } = await graphql(service.url, MODEL_QUERY, { digest: root });
    assert.equal((data?.['model'] as Record<string, any>)['attestations'].length, 1);
  });

  it('rejects a tampered bundle with a reason code and leaves the verified model untouched', async () => {
    const { json, statement: claimed } = decode(BUNDLE);
    // Swap one file's digest: same model (root digest) claimed, different content.
    claimed.predicate.resources[0]!.digest = 'ab'.repeat(32);
    const tampered = reencode(json, claimed);
    const submitted = await submit(service.url, tampered);
    assert.equal(submitted.status, 202);
    const done = await waitForSubmission(service.url, String(submitted.body['id']));
    assert.equal(done['state'], 'REJECTED');
    const attestation = done['attestation'] as Record<string, unknown>;
    assert.equal(attestation['reasonCode'], 'SIGNATURE_INVALID');
    assert.deepEqual(attestation['subjects'], [root]);
    assert.equal(attestation['signer'], null);

    const { data } = await graphql(service.url, MODEL_QUERY, { digest: root });
    const model = data?.['model'] as Record<string, any>;
    assert.equal(model['attestations'].length, 1, 'the rejected attestation is not linked');
    assert.ok(!model['files'].some((f: { digest: string }) => f.digest === `sha256:${'ab'.repeat(32)}`));
  });

  it('links nothing from a tampered bundle about an unknown model', async () => {
    const { json, statement: claimed } = decode(BUNDLE);
    const fakeRoot = 'cd'.repeat(32);
    claimed.subject[0]!.digest.sha256 = fakeRoot;
    const submitted = await submit(service.url, reencode(json, claimed));
    const done = await waitForSubmission(service.url, String(submitted.body['id']));
    assert.equal(done['state'], 'REJECTED');
    const { data } = await graphql(service.url, MODEL_QUERY, { digest: `sha256:${fakeRoot}` });
    assert.equal(data?.['model'], null);
    const artifact = await graphql(service.url, `{ artifact(digest: "sha256:${fakeRoot}") { digest } }`);
    assert.equal(artifact.data?.['artifact'], null);
  });

  it('records malformed JSON as rejected with MALFORMED_JSON', async () => {
    const submitted = await submit(service.url, '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", ');
    assert.equal(submitted.status, 202);
    const done = await waitForSubmission(service.url, String(submitted.body['id']));
    assert.equal(done['state'], 'REJECTED');
    assert.equal((done['attestation'] as Record<string, unknown>)['reasonCode'], 'MALFORMED_JSON');
  });

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const submitted = await submit(service.url, Buffer.alloc(300_000, 0x20));
    assert.equal(submitted.status, 413);
    assert.equal((submitted.body['error'] as Record<string, unknown>)['code'], 'PAYLOAD_TOO_LARGE');
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('answers a bad digest with INVALID_DIGEST and an unknown submission with 404', async () => {
    const { errors } = await graphql(service.url, MODEL_QUERY, { digest: 'not-a-digest' });
    assert.equal(errors?.[0]?.extensions?.code, 'INVALID_DIGEST');
    const missing = await fetch(`${service.url}/v1/attestations/sha256:${'0'.repeat(64)}`);
    assert.equal(missing.status, 404);
    const bad = await fetch(`${service.url}/v1/attestations/nope`);
    assert.equal(bad.status, 400);
  });
});
