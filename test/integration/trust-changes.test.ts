// The trust policy can change under a running service: a revoked key makes its documents rejected when they are
// submitted again, with every link they asserted withdrawn (docs/LINEAGE.md, "Evidence"): their digests leave the
// evidence of every containment and lineage edge, edges left without evidence are deleted, an edge another signer
// also asserts stays with that signer's evidence alone, and traces and AI-BOMs change accordingly. Trusting the key
// again and resubmitting restores exactly what was there.
//
// Key A (the Python reference's P-256 test key) signs the reference's OMS bundle, an OMS signature of a fresh model M
// and M's provenance (M fine-tuned from BASE on DS_A and DS_SHARED with a fresh torch package); key B, never revoked,
// signs BASE's OMS signature and a second provenance of M naming DS_SHARED only, so M TRAINED_ON DS_SHARED carries
// evidence from both keys.
//
// Mutation check (by hand, reverted): with the withdrawal skipped (writeRejected in src/graph/write/attestation.ts
// not calling unlink), the revocation test fails on the first edge check: the edges keep key A's evidence.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { newSigner, omsStatement, provenance, signBundle, signEnvelope, signerFromKey } from '../support/attest.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { graphql, integrationEnv, startTestService, waitForSubmission, writeTrustPolicy } from '../support/service.ts';

const INTEROP = path.join(REPO_ROOT, 'test/fixtures/interop');
// Signed by the Python reference (model_signing 1.1.1) with a P-256 key; used by no other integration test.
const BUNDLE = readFileSync(path.join(INTEROP, 'bundles/key-p256.sig'), 'utf8');
const ROOT = `sha256:${JSON.parse(Buffer.from(JSON.parse(BUNDLE).dsseEnvelope.payload, 'base64').toString()).subject[0].digest.sha256}`;
const P256_PUB = readFileSync(path.join(INTEROP, 'keys/p256-pub.pem'), 'utf8');
const keyA = signerFromKey(createPrivateKey(readFileSync(path.join(INTEROP, 'keys/p256-key.pem'))), createPublicKey(P256_PUB));
const keyB = newSigner();
const fingerprintA = createHash('sha256')
  .update(createPublicKey(P256_PUB).export({ type: 'spki', format: 'der' }))
  .digest('hex');
const TRUST_BOTH = {
  keys: [
    { id: 'interop-p256', pemFile: path.join(INTEROP, 'keys/p256-pub.pem') },
    { id: 'kept', pem: keyB.publicKeyPem },
  ],
};
const TRUST_B = { keys: [{ id: 'kept', pem: keyB.publicKeyPem }] };

const run = randomUUID();
const sha = (root: string): string => `sha256:${root}`;
const docDigest = (doc: string): string => sha(createHash('sha256').update(doc).digest('hex'));
const model = omsStatement(`revocable-${run}`, { 'config.json': `{"run":"${run}"}`, 'weights.bin': `M ${run}` });
const base = omsStatement(`base-${run}`, { 'weights.bin': `base ${run}` });
const DS_A = sha(createHash('sha256').update(`ds-a ${run}`).digest('hex'));
const DS_SHARED = sha(createHash('sha256').update(`ds-shared ${run}`).digest('hex'));
const TORCH = `pkg:pypi/torch-${run.slice(0, 8)}@2.5.1`;
const M = sha(model.root);
const BASE = sha(base.root);
const dataset = (name: string, digest: string) => ({
  name,
  digest: { sha256: digest.slice(7) },
  annotations: { role: 'dataset' },
});

const byA = {
  bundle: BUNDLE,
  oms: signBundle(model.doc, keyA),
  provenance: signEnvelope(
    provenance({
      subjects: [{ name: `revocable-${run}`, digest: { sha256: model.root } }],
      dependencies: [
        { name: `base-${run}`, digest: { sha256: base.root }, annotations: { role: 'base-model' } },
        dataset('ds-a', DS_A),
        dataset('ds-shared', DS_SHARED),
        { uri: TORCH, digest: { sha256: 'e'.repeat(64) }, annotations: { role: 'framework' } },
      ],
      runKind: 'fine-tune',
      invocationId: `revocable-${run}`,
    }),
    keyA,
  ),
};
const byB = {
  base: signBundle(base.doc, keyB),
  provenance: signEnvelope(
    provenance({
      subjects: [{ name: `revocable-${run}`, digest: { sha256: model.root } }],
      dependencies: [dataset('ds-shared', DS_SHARED)],
      runKind: 'fine-tune',
      invocationId: `kept-${run}`,
    }),
    keyB,
  ),
};
const A = { bundle: docDigest(byA.bundle), oms: docDigest(byA.oms), provenance: docDigest(byA.provenance) };
const B = { base: docDigest(byB.base), provenance: docDigest(byB.provenance) };
const RUN_A = `revocable-${run}`;
const RUN_B = `kept-${run}`;

async function submit(url: string, doc: string): Promise<Record<string, any>> {
  const response = await fetch(`${url}/v1/attestations`, { method: 'POST', body: doc });
  assert.equal(response.status, 202);
  const { id } = (await response.json()) as { id: string };
  return waitForSubmission(url, id);
}

/** Every edge out of M, ROOT and M's runs, as `TYPE from→to [evidence…]` (evidence sorted), sorted. */
async function edges(graph: GraphConnection): Promise<string[]> {
  const { records } = await graph.driver.executeQuery(
    `MATCH (n) WHERE n.digest IN $artifacts OR n.id IN $runs
     MATCH (n)-[r]->(x) WHERE r.evidence IS NOT NULL
     RETURN type(r) AS type, coalesce(n.digest, n.id) AS from, coalesce(x.digest, x.purl, x.id) AS to, r.evidence AS evidence`,
    { artifacts: [M, ROOT], runs: [RUN_A, RUN_B] },
    { database: graph.database },
  );
  return records
    .map((r) => `${r.get('type')} ${r.get('from')}→${r.get('to')} [${[...(r.get('evidence') as string[])].sort().join(' ')}]`)
    .sort();
}

/** The edges anywhere in the graph that still name one of `digests` as evidence. */
async function edgesCiting(graph: GraphConnection, digests: readonly string[]): Promise<number> {
  const { records } = await graph.driver.executeQuery(
    'MATCH ()-[r]->() WHERE any(e IN coalesce(r.evidence, []) WHERE e IN $digests) RETURN count(r) AS n',
    { digests },
    { database: graph.database },
  );
  return Number(records[0]?.get('n'));
}

/** What an attestation links to itself: its status and its ATTESTS, SIGNED_BY and DESCRIBES edges. */
async function ownLinks(graph: GraphConnection, digest: string): Promise<{ status: string; links: number }> {
  const { records } = await graph.driver.executeQuery(
    `MATCH (a:Attestation {digest: $digest})
     RETURN a.status AS status, COUNT { (a)-[:ATTESTS|SIGNED_BY|DESCRIBES]->() } AS links`,
    { digest },
    { database: graph.database },
  );
  return { status: String(records[0]?.get('status')), links: Number(records[0]?.get('links')) };
}

const TRACE = `query ($c: CompromisedInput!, $after: String) { incidentTrace(compromised: $c, first: 100, after: $after) {
  affected { edges { node { node { key } path { evidence { attestation } } } } pageInfo { hasNextPage endCursor } } } }`;

/** Every affected key of a trace (all pages), each with the evidence digests of its path's hops. */
async function trace(url: string, compromised: Record<string, unknown>): Promise<Map<string, string[][]>> {
  const affected = new Map<string, string[][]>();
  for (let after: string | null = null; ;) {
    const { data, errors } = await graphql(url, TRACE, { c: compromised, after });
    assert.equal(errors, undefined, JSON.stringify(errors));
    const page = (data?.['incidentTrace'] as any).affected;
    for (const e of page.edges)
      affected.set(
        e.node.node.key,
        e.node.path.map((hop: any) => hop.evidence.map((x: any) => x.attestation).sort()),
      );
    if (!page.pageInfo.hasNextPage) return affected;
    after = page.pageInfo.endCursor;
  }
}

async function trainedOn(url: string, digest: string): Promise<string[]> {
  const { data, errors } = await graphql(
    url,
    'query ($d: String!) { modelsTrainedOn(dataset: $d) { edges { node { node { key } } } } }',
    { d: digest },
  );
  assert.equal(errors, undefined, JSON.stringify(errors));
  return (data?.['modelsTrainedOn'] as any).edges.map((e: any) => e.node.node.key);
}

async function aiBom(url: string): Promise<string> {
  const { data, errors } = await graphql(url, 'query ($d: String!) { aiBom(digest: $d, format: CYCLONEDX_1_6) }', { d: M });
  assert.equal(errors, undefined, JSON.stringify(errors));
  return JSON.stringify(data?.['aiBom']);
}

const hex = (digest: string): string => digest.slice('sha256:'.length);

describe('trust-policy changes without restart', () => {
  let service: RunningService;
  let policyFile: string;
  let graph: GraphConnection;
  let trusted: string[];

  const setPolicy = async (policy: unknown): Promise<void> => {
    await writeFile(policyFile, JSON.stringify(policy));
    // The policy store re-checks the file at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };

  before(async () => {
    policyFile = await writeTrustPolicy(TRUST_BOTH);
    service = await startTestService({ TRUST_POLICY_FILE: policyFile });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
  });
  after(async () => {
    await graph?.driver.close();
    await service?.close();
  });

  it('verifies what both keys signed, the reference bundle among it; both keys are evidence of the shared edge', async () => {
    for (const doc of [byB.base, byB.provenance, byA.bundle, byA.oms, byA.provenance]) {
      const done = await submit(service.url, doc);
      assert.equal(done['state'], 'VERIFIED', JSON.stringify(done));
    }
    trusted = await edges(graph);
    const files = (digestOf: string, oms: string, names: readonly string[]) =>
      names.map((name) => `CONTAINS ${digestOf}→${sha(createHash('sha256').update(name).digest('hex'))} [${oms}]`);
    const builder = 'https://ml.example.com/builders/trainer';
    const expected = [
      ...files(M, A.oms, [`{"run":"${run}"}`, `M ${run}`]),
      `DERIVED_FROM ${M}→${BASE} [${A.provenance}]`,
      `TRAINED_ON ${M}→${DS_A} [${A.provenance}]`,
      `TRAINED_ON ${M}→${DS_SHARED} [${[A.provenance, B.provenance].sort().join(' ')}]`,
      `BUILT_WITH ${M}→${TORCH} [${A.provenance}]`,
      `PRODUCED_BY ${M}→${RUN_A} [${A.provenance}]`,
      `PRODUCED_BY ${M}→${RUN_B} [${B.provenance}]`,
      `RAN_ON ${RUN_A}→${builder} [${A.provenance}]`,
      `RAN_ON ${RUN_B}→${builder} [${B.provenance}]`,
    ];
    for (const edge of expected) assert.ok(trusted.includes(edge), `${edge} in\n${trusted.join('\n')}`);
    const rootFiles = trusted.filter((e) => e.startsWith(`CONTAINS ${ROOT}→`));
    assert.equal(rootFiles.length, 9, 'the reference bundle signs nine files');
    for (const edge of rootFiles) assert.ok(edge.endsWith(`[${A.bundle}]`), edge);
    assert.equal(trusted.length, expected.length + rootFiles.length, trusted.join('\n'));

    // what the questions answer while key A is trusted
    assert.deepEqual([...(await trace(service.url, { artifact: BASE })).keys()], [M]);
    assert.deepEqual([...(await trace(service.url, { artifact: DS_A })).keys()], [M]);
    assert.deepEqual([...(await trace(service.url, { package: { purl: TORCH } })).keys()], [M]);
    const shared = await trace(service.url, { artifact: DS_SHARED });
    assert.deepEqual(shared.get(M), [[A.provenance, B.provenance].sort()]);
    const byKeyA = await trace(service.url, { key: fingerprintA });
    for (const key of [M, ROOT]) assert.ok(byKeyA.has(key), `a key-A trace reaches ${key}`);
    assert.deepEqual(await trainedOn(service.url, DS_A), [M]);
    const bom = await aiBom(service.url);
    for (const text of [hex(BASE), hex(DS_A), hex(DS_SHARED), TORCH, hex(A.provenance), hex(A.oms), hex(B.provenance)])
      assert.ok(bom.includes(text), `the AI-BOM names ${text}`);
  });

  it('rejects key A’s documents after its revocation, and withdraws every link they asserted', async () => {
    await setPolicy(TRUST_B);
    // the bundles name key A by its hint, which the policy no longer holds; the bare provenance envelope names no key,
    // so each trusted key is tried and none verifies
    const codes: [string, string][] = [
      [byA.bundle, 'UNTRUSTED_KEY'],
      [byA.oms, 'UNTRUSTED_KEY'],
      [byA.provenance, 'SIGNATURE_INVALID'],
    ];
    for (const [doc, code] of codes) {
      const done = await submit(service.url, doc);
      assert.equal(done['state'], 'REJECTED');
      assert.equal(done['attestation']['reasonCode'], code);
    }
    const withdrawn = [A.bundle, A.oms, A.provenance];
    // gone from every edge they supported, anywhere in the graph
    assert.equal(await edgesCiting(graph, withdrawn), 0, 'no edge cites a withdrawn attestation');
    // edges left without evidence are deleted; the shared edge and key B's own edges stay, with key B's evidence only
    const builder = 'https://ml.example.com/builders/trainer';
    assert.deepEqual(await edges(graph), [
      `PRODUCED_BY ${M}→${RUN_B} [${B.provenance}]`,
      `RAN_ON ${RUN_B}→${builder} [${B.provenance}]`,
      `TRAINED_ON ${M}→${DS_SHARED} [${B.provenance}]`,
    ]);
    for (const digest of withdrawn) assert.deepEqual(await ownLinks(graph, digest), { status: 'rejected', links: 0 });
    assert.deepEqual(await ownLinks(graph, B.provenance), { status: 'verified', links: 2 });

    // traces: nothing reaches M through what only key A asserted; the shared dataset reaches it on key B's evidence
    assert.equal((await trace(service.url, { artifact: BASE })).size, 0);
    assert.equal((await trace(service.url, { artifact: DS_A })).size, 0);
    assert.equal((await trace(service.url, { package: { purl: TORCH } })).size, 0);
    assert.deepEqual((await trace(service.url, { artifact: DS_SHARED })).get(M), [[B.provenance]]);
    const byKeyA = await trace(service.url, { key: fingerprintA });
    for (const key of [M, ROOT]) assert.ok(!byKeyA.has(key), `a key-A trace no longer reaches ${key}`);
    assert.deepEqual(await trainedOn(service.url, DS_A), []);
    // the AI-BOM: no base model, no DS_A, no torch, no files, no citation of key A; DS_SHARED on key B's evidence
    const bom = await aiBom(service.url);
    for (const text of [hex(BASE), hex(DS_A), TORCH, hex(A.provenance), hex(A.oms), hex(sha256Of(`M ${run}`))])
      assert.ok(!bom.includes(text), `the AI-BOM no longer names ${text}`);
    for (const text of [hex(DS_SHARED), hex(B.provenance)]) assert.ok(bom.includes(text), `the AI-BOM still names ${text}`);
    // the model's own record: no verified attestation about it, and no longer a model, since no verified evidence
    // says it is one (docs/LINEAGE.md, "Kind")
    const { data } = await graphql(
      service.url,
      'query ($d: String!) { model(digest: $d) { digest } artifact(digest: $d) { attestations { digest } } }',
      { d: ROOT },
    );
    assert.equal(data?.['model'], null);
    assert.deepEqual((data?.['artifact'] as any).attestations, []);
  });

  it('verifies them again once key A is trusted again, and the same edges come back', async () => {
    await setPolicy(TRUST_BOTH);
    for (const doc of [byA.bundle, byA.oms, byA.provenance]) assert.equal((await submit(service.url, doc))['state'], 'VERIFIED');
    assert.deepEqual(await edges(graph), trusted);
    assert.deepEqual([...(await trace(service.url, { artifact: BASE })).keys()], [M]);
  });
});

function sha256Of(text: string): string {
  return sha(createHash('sha256').update(text).digest('hex'));
}
