// Query.search on the real Neo4j: a fresh signed lineage (its names, purl and key unique to this run) goes in
// through the service, plus a forged document from an untrusted key; keyless and certificate signers are written
// through the graph's own write path, since signing them needs a Fulcio certificate this test cannot mint.
// Every search text contains this run's id, so the answers are exact whatever else the shared graph holds.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildSchema, GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType } from 'graphql';
import { loadTypeDefs } from '../../src/api/index.ts';
import { connectGraph, writeAttestation, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { newSigner, omsStatement, provenance, sha256, signBundle, signEnvelope, type Signer } from '../support/attest.ts';
import { graphql, integrationEnv, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';

const run = randomUUID();
const tag = run.slice(0, 8);
const signer: Signer = newSigner();
const attacker: Signer = newSigner();
const fingerprint = createHash('sha256')
  .update(createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' }))
  .digest('hex');

const base = omsStatement(`acme/Search-${tag}-base`, { 'weights.bin': `base ${run}` });
const corpus = omsStatement(`acme/search-${tag}-corpus`, { 'data.jsonl': `corpus ${run}` });
const tuned = omsStatement(`acme/search-${tag}-tuned`, { 'weights.bin': `tuned ${run}` });
const PURL = `pkg:pypi/searchlib-${tag}@1.0.0`;
const sha = (hex: string): string => `sha256:${hex}`;

const trainTuned = provenance({
  subjects: [{ name: `acme/search-${tag}-tuned`, digest: { sha256: tuned.root } }],
  dependencies: [
    { name: `acme/Search-${tag}-base`, digest: { sha256: base.root }, annotations: { role: 'base-model' } },
    { name: `acme/search-${tag}-corpus`, digest: { sha256: corpus.root }, annotations: { role: 'dataset' } },
    { uri: PURL, digest: { sha256: sha256(`wheel ${run}`) } },
  ],
  runKind: 'fine-tune',
  invocationId: `search-${run}`,
});
const signed = [
  signBundle(base.doc, signer),
  signBundle(corpus.doc, signer),
  signBundle(tuned.doc, signer),
  signEnvelope(trainTuned, signer),
];
const forged = signBundle(omsStatement(`acme/search-${tag}-forged`, { 'weights.bin': `forged ${run}` }).doc, attacker);
const forgedDigest = sha(sha256(forged));

const SEARCH = `query ($text: String!, $first: Int, $after: String) {
  search(text: $text, first: $first, after: $after) {
    totalCount truncated pageInfo { hasNextPage endCursor }
    edges { cursor node { match node { kind key name } signer { kind fingerprint subject issuer } signed
      attestation { digest status reasonCode } } }
  } }`;

describe('search', () => {
  let service: RunningService;
  let graph: GraphConnection;

  async function search(text: string, first = 100, afterCursor?: string): Promise<any> {
    const { data, errors } = await graphql(service.url, SEARCH, { text, first, after: afterCursor ?? null });
    assert.equal(errors, undefined, JSON.stringify(errors));
    return data?.['search'];
  }
  const hits = (result: any): any[] => result.edges.map((e: any) => e.node);

  before(async () => {
    service = await startTestService({ TRUST_POLICY_FILE: await policyFileFor(signer) });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: process.env['NEO4J_DATABASE'] ?? 'neo4j' });
    for (const body of [...signed, forged]) {
      const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body });
      const { id } = (await response.json()) as { id: string };
      await waitForSubmission(service.url, id);
    }
    // A keyless identity and a certificate, as the verifier reports them, each signing one artifact.
    const signers = [
      { kind: 'identity', issuer: `https://issuer-${tag}.example`, subject: `ci-${tag}@example.com` },
      {
        kind: 'certificate',
        fingerprint: sha256(`certificate ${run}`),
        subject: `CN=Release Signing ${tag}, O=ACME`,
        issuer: 'CN=ACME Code Signing CA',
        keyFingerprint: sha256(`certificate key ${run}`),
      },
    ] as const;
    for (const [i, who] of signers.entries()) {
      const digest = sha(sha256(`${who.kind} statement ${run}`));
      await writeAttestation(graph, {
        attestation: {
          digest,
          predicateType: 'https://model_signing/signature/v1.0',
          status: 'verified',
          reasonCode: null,
          reason: null,
          method: who.kind === 'identity' ? 'keyless' : 'certificate',
          signer: who,
          origin: 'search.test',
          collector: 'test',
          receivedAt: new Date().toISOString(),
          document: '{}',
          claimedSubjects: [sha(sha256(`${who.kind} model ${run}`))],
        },
        artifacts: [
          { digest: sha(sha256(`${who.kind} model ${run}`)), labels: ['Model'], name: `acme/search-${tag}-signed-${i}` },
        ],
        contains: [],
        attests: [sha(sha256(`${who.kind} model ${run}`))],
      });
    }
  });
  after(async () => {
    await service?.close();
    await graph?.driver.close();
  });

  it('finds an artifact by a digest prefix, with or without its algorithm', async () => {
    for (const text of [sha(base.root).slice(0, 7 + 16), base.root.slice(0, 16), base.root.slice(0, 16).toUpperCase()]) {
      const found = hits(await search(text)).filter((h) => h.match === 'DIGEST');
      assert.deepEqual(
        found.map((h) => h.node),
        [{ kind: 'MODEL', key: sha(base.root), name: `acme/Search-${tag}-base` }],
        text,
      );
    }
  });

  it('finds models and datasets by name, ignoring case, sorted by name', async () => {
    const result = await search(`SEARCH-${tag.toUpperCase()}`);
    assert.equal(result.truncated, false);
    assert.deepEqual(
      hits(result).map((h) => [h.match, h.node.kind, h.node.name]),
      [
        ['NAME', 'MODEL', `acme/Search-${tag}-base`],
        ['NAME', 'DATASET', `acme/search-${tag}-corpus`],
        ['NAME', 'MODEL', `acme/search-${tag}-signed-0`],
        ['NAME', 'MODEL', `acme/search-${tag}-signed-1`],
        ['NAME', 'MODEL', `acme/search-${tag}-tuned`],
      ],
    );
    // The forged signature was rejected: its model is nowhere in the graph.
    assert.equal(hits(await search(`search-${tag}-forged`)).length, 0);
  });

  it('finds a package by part of its purl', async () => {
    const found = hits(await search(`searchlib-${tag}`));
    assert.deepEqual(found, [
      {
        match: 'PACKAGE',
        node: { kind: 'PACKAGE', key: PURL, name: `searchlib-${tag}` },
        signer: null,
        signed: null,
        attestation: null,
      },
    ]);
  });

  it('finds signers: a key by fingerprint prefix, a keyless identity by subject or issuer, a certificate by subject', async () => {
    const key = hits(await search(fingerprint.slice(0, 20))).filter((h) => h.match === 'SIGNER');
    assert.deepEqual(key, [
      {
        match: 'SIGNER',
        node: null,
        signer: { kind: 'KEY', fingerprint, subject: null, issuer: null },
        signed: signed.length,
        attestation: null,
      },
    ]);
    for (const text of [`ci-${tag}@EXAMPLE.com`, `issuer-${tag}`]) {
      const identity = hits(await search(text)).filter((h) => h.match === 'SIGNER');
      assert.deepEqual(
        identity.map((h) => [h.signer, h.signed]),
        [[{ kind: 'IDENTITY', fingerprint: null, subject: `ci-${tag}@example.com`, issuer: `https://issuer-${tag}.example` }, 1]],
        text,
      );
    }
    const certificate = hits(await search(`release signing ${tag}`)).filter((h) => h.match === 'SIGNER');
    assert.deepEqual(
      certificate.map((h) => [h.signer.kind, h.signer.subject, h.signed]),
      [['CERTIFICATE', `CN=Release Signing ${tag}, O=ACME`, 1]],
    );
  });

  it('finds an attestation by digest prefix, rejected ones included with their reason', async () => {
    const found = hits(await search(forgedDigest.slice(0, 7 + 24))).filter((h) => h.match === 'ATTESTATION');
    assert.deepEqual(
      found.map((h) => h.attestation),
      [{ digest: forgedDigest, status: 'REJECTED', reasonCode: 'UNTRUSTED_KEY' }],
    );
  });

  it('pages with cursors: the pages put together are the whole list', async () => {
    const all = hits(await search(`search-${tag}`));
    assert.equal(all.length, 5);
    const pages: any[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await search(`search-${tag}`, 2, cursor);
      assert.equal(page.totalCount, 5);
      pages.push(...hits(page));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    assert.deepEqual(pages, all);
  });

  it('refuses empty and overlong text', async () => {
    for (const text of ['   ', 'x'.repeat(201)]) {
      const { errors } = await graphql(service.url, SEARCH, { text });
      assert.equal(errors?.[0]?.extensions?.code, 'BAD_REQUEST');
    }
  });

  it('describes every type, field and enum value of the search SDL', () => {
    const schema = buildSchema(loadTypeDefs().join('\n'));
    for (const name of ['SearchMatch', 'SearchHit', 'SearchEdge', 'SearchConnection']) {
      const type = schema.getType(name);
      assert.ok(type?.description, name);
      if (type instanceof GraphQLObjectType || type instanceof GraphQLInputObjectType)
        for (const field of Object.values(type.getFields())) assert.ok(field.description, `${name}.${field.name}`);
      if (type instanceof GraphQLEnumType)
        for (const value of type.getValues()) assert.ok(value.description, `${name}.${value.name}`);
    }
    assert.ok(schema.getQueryType()?.getFields()['search']?.description);
  });
});
