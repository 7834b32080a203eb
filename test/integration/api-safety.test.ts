// Tokens, roles and query limits: requests without a token, with a read token on ingest, over the depth
// or cost limit, or with malformed variables get the right code, and the service keeps answering.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { startTestService } from '../support/service.ts';

const READ = 'read-token-0123456789abcdef';
const INGEST = 'ingest-token-0123456789abcdef';

async function gql(url: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('API safety', () => {
  let service: RunningService;
  before(async () => {
    service = await startTestService({
      API_READ_TOKENS: READ,
      API_INGEST_TOKENS: INGEST,
      GRAPHQL_MAX_DEPTH: '7',
      GRAPHQL_MAX_COST: '5000',
    });
  });
  after(async () => {
    await service?.close();
  });

  it('requires a token for GraphQL and for submissions', async () => {
    const none = await gql(service.url, { query: '{ __typename }' });
    assert.equal(none.status, 401);
    assert.equal(none.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    const wrong = await gql(service.url, { query: '{ __typename }' }, 'not-a-real-token-at-all');
    assert.equal(wrong.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    const submit = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body: '{}' });
    assert.equal(submit.status, 401);
  });

  it('lets a read token read but not ingest; an ingest token does both', async () => {
    const read = await gql(service.url, { query: '{ __typename }' }, READ);
    assert.equal(read.status, 200);
    const post = (route: string, token: string, body?: string) =>
      fetch(`${service.url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: body ?? null });
    const forbidden = await post('/v1/attestations', READ, '{}');
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as any).error.code, 'FORBIDDEN');
    assert.equal((await post('/v1/failed/replay', READ)).status, 403);
    assert.equal((await post('/v1/batches', READ, '{"y":1}')).status, 403);
    const batch = await post('/v1/batches', INGEST, '{"y":1}');
    assert.equal(batch.status, 202);
    const batchStatus = await fetch(`${service.url}/v1/batches/${((await batch.json()) as any).id}`, {
      headers: { authorization: `Bearer ${READ}` },
    });
    assert.equal(batchStatus.status, 200, 'a read token reads a batch');
    const accepted = await post('/v1/attestations', INGEST, '{"x":1}');
    assert.equal(accepted.status, 202);
    const status = await fetch(`${service.url}/v1/attestations/${((await accepted.json()) as any).id}`, {
      headers: { authorization: `Bearer ${INGEST}` },
    });
    assert.equal(status.status, 200);
  });

  it('refuses queries over the depth or cost limit before running them', async () => {
    const deep = `{ incidentTrace(compromised: { key: "${'a'.repeat(64)}" }) { affected { edges { node { path { evidence { signer { kind } } } } } } } }`;
    const tooDeep = await gql(service.url, { query: deep }, READ);
    assert.equal(tooDeep.body.errors[0].extensions.code, 'QUERY_TOO_DEEP');
    const costly = `{ incidentTrace(compromised: { key: "${'a'.repeat(64)}" }, first: 1000) { affected { edges { cursor node { depth verified node { kind key name } } } } } }`;
    const tooCostly = await gql(service.url, { query: costly }, READ);
    assert.equal(tooCostly.body.errors[0].extensions.code, 'QUERY_TOO_COSTLY');
    const fine = await gql(service.url, { query: costly.replace('first: 1000', 'first: 10') }, READ);
    assert.equal(fine.body.errors, undefined, JSON.stringify(fine.body.errors));
  });

  it('answers malformed variables and unknown fields with a code, and keeps serving', async () => {
    const badVariables = await gql(
      service.url,
      { query: 'query ($d: String!) { model(digest: $d) { name } }', variables: { d: 42 } },
      READ,
    );
    assert.equal(badVariables.body.errors[0].extensions.code, 'BAD_USER_INPUT', JSON.stringify(badVariables.body));
    const unknown = await gql(service.url, { query: '{ nope }' }, READ);
    assert.equal(unknown.body.errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED', JSON.stringify(unknown.body));
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200);
  });
});
