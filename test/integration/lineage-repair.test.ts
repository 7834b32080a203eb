// Migration 004 repairs a graph written by the versions before kinds were computed from claims and file-level
// subjects resolved (docs/LINEAGE.md, "Upgrading"). On a Neo4j of the test's own, migrations 001–003 are applied and
// the graph those versions wrote for four real signed documents is created as they wrote it (each model file a
// Model, the provenance's edges on the files, one `inferredHow` per edge); then the pending migrations run, and the
// graph must be the one the current code writes for the same documents from scratch. Submitting a document again
// afterwards changes nothing.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, closeGraph, connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import { ingestDocument } from '../../src/ingest/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { loadTrustPolicy, type TrustPolicy } from '../../src/verify/index.ts';
import { newSigner, omsStatement, provenance, sha256, signBundle, signEnvelope } from '../support/attest.ts';
import { canonicalDump } from '../support/graph-dump.ts';
import { privateNeo4j, type PrivateNeo4j } from '../support/private-neo4j.ts';
import { policyFileFor } from '../support/service.ts';

const signer = newSigner();
const model = omsStatement('acme/repair-model', {
  'config.json': '{"m":1}',
  'model.safetensors': 'weights',
  'tokenizer.json': 'tok',
});
const dataset = omsStatement('acme/repair-data', { 'train.jsonl': 'rows' });
const file = (content: string) => `sha256:${sha256(content)}`;
const [M1, M2, M3, D1] = [file('{"m":1}'), file('weights'), file('tok'), file('rows')] as [string, string, string, string];
const M = `sha256:${model.root}`;
const D = `sha256:${dataset.root}`;
const SCRIPT = file('train.py');
const TORCH = 'pkg:pypi/torch@2.5.1';
const BUILDER = 'https://ml.example.com/builders/trainer';
// the training run names the model's files (as CI attestation actions do), the dataset by its root
const training = provenance({
  subjects: [
    { name: 'model/config.json', digest: { sha256: sha256('{"m":1}') } },
    { name: 'model/model.safetensors', digest: { sha256: sha256('weights') } },
    { name: 'model/tokenizer.json', digest: { sha256: sha256('tok') } },
  ],
  dependencies: [
    { name: 'acme/repair-data', digest: { sha256: dataset.root }, annotations: { role: 'dataset' } },
    { name: 'train.py', digest: { sha256: sha256('train.py') } },
    { uri: TORCH },
  ],
  runKind: 'training',
  invocationId: 'repair-train',
});
// a provenance naming files of two manifests: it resolves to neither, and its subjects stay files
const packaging = provenance({
  subjects: [
    { name: 'model/config.json', digest: { sha256: sha256('{"m":1}') } },
    { name: 'data/train.jsonl', digest: { sha256: sha256('rows') } },
  ],
  dependencies: [],
  runKind: 'training',
  invocationId: 'repair-package',
});
const documents = {
  model: signBundle(model.doc, signer),
  dataset: signBundle(dataset.doc, signer),
  training: signEnvelope(training, signer),
  packaging: signEnvelope(packaging, signer),
};
const digestOf = (body: string) => `sha256:${sha256(body)}`;
const [OMS_M, OMS_D, P, Q] = Object.values(documents).map(digestOf) as [string, string, string, string];

/** What the versions before migration 004 wrote for the four documents (src/graph/write as of that release). */
const OLD_GRAPH = `
CREATE (k:Key {fingerprint: 'repair-key'})
CREATE (omsM:Attestation {digest: $omsM, status: 'verified', predicateType: 'https://model_signing/signature/v1.0', claimedSubjects: [$m]}),
       (omsD:Attestation {digest: $omsD, status: 'verified', predicateType: 'https://model_signing/signature/v1.0', claimedSubjects: [$d]}),
       (p:Attestation {digest: $p, status: 'verified', predicateType: 'https://slsa.dev/provenance/v1', claimedSubjects: [$m1, $m2, $m3]}),
       (q:Attestation {digest: $q, status: 'verified', predicateType: 'https://slsa.dev/provenance/v1', claimedSubjects: [$m1, $d1]})
CREATE (omsM)-[:SIGNED_BY]->(k), (omsD)-[:SIGNED_BY]->(k), (p)-[:SIGNED_BY]->(k), (q)-[:SIGNED_BY]->(k)
CREATE (M:Artifact:Model {digest: $m, name: 'acme/repair-model', omsSigned: true}),
       (D:Artifact:Dataset {digest: $d, name: 'acme/repair-data', omsSigned: true}),
       (m1:Artifact:File:Model {digest: $m1, name: 'model/config.json', declaredModel: true}),
       (m2:Artifact:File:Model {digest: $m2, name: 'model/model.safetensors', declaredModel: true}),
       (m3:Artifact:File:Model {digest: $m3, name: 'model/tokenizer.json', declaredModel: true}),
       (d1:Artifact:File:Model {digest: $d1, name: 'data/train.jsonl', declaredModel: true}),
       (script:Artifact {digest: $script, name: 'train.py'}),
       (torch:Package {purl: $torch, name: 'torch', version: '2.5.1', digests: []}),
       (b:Builder {id: $builder}),
       (runP:PipelineRun {id: 'repair-train', runKind: 'training'}), (runQ:PipelineRun {id: 'repair-package', runKind: 'training'})
CREATE (M)-[:CONTAINS {path: 'config.json', evidence: [$omsM]}]->(m1), (M)-[:CONTAINS {path: 'model.safetensors', evidence: [$omsM]}]->(m2),
       (M)-[:CONTAINS {path: 'tokenizer.json', evidence: [$omsM]}]->(m3), (D)-[:CONTAINS {path: 'train.jsonl', evidence: [$omsD]}]->(d1)
CREATE (omsM)-[:ATTESTS]->(M), (omsD)-[:ATTESTS]->(D), (p)-[:ATTESTS]->(m1), (p)-[:ATTESTS]->(m2), (p)-[:ATTESTS]->(m3),
       (q)-[:ATTESTS]->(m1), (q)-[:ATTESTS]->(d1)
CREATE (runP)-[:RAN_ON {evidence: [$p]}]->(b), (runQ)-[:RAN_ON {evidence: [$q]}]->(b)
WITH p, q, runP, runQ, D, script, torch, m1, d1
UNWIND [$m1, $m2, $m3] AS f
MATCH (m:Artifact {digest: f})
CREATE (m)-[:PRODUCED_BY {evidence: [$p]}]->(runP), (m)-[:TRAINED_ON {evidence: [$p]}]->(D), (m)-[:BUILT_WITH {evidence: [$p]}]->(torch),
       (m)-[:USED {role: 'input', evidence: [$p], inferredBy: [$p], inferredHow: 'training'}]->(script)
WITH DISTINCT runQ, m1, d1
CREATE (m1)-[:PRODUCED_BY {evidence: [$q]}]->(runQ), (d1)-[:PRODUCED_BY {evidence: [$q]}]->(runQ)`;

describe('migration 004 repairs a graph written by earlier versions', () => {
  let server: PrivateNeo4j;
  let graph: GraphConnection;
  let policy: TrustPolicy;
  const meta = { origin: 'lineage-repair test', collector: 'test', receivedAt: '2026-12-02T00:00:00Z' };
  const ingest = async (body: string) => {
    const { result } = await ingestDocument(Buffer.from(body), meta, { graph, policy: () => policy });
    assert.equal(result.status, 'verified');
  };
  const run = (cypher: string, params: Record<string, unknown> = {}) =>
    graph.driver.executeQuery(cypher, params, { database: graph.database });

  before(async () => {
    server = await privateNeo4j('lineage-repair');
    await server.start();
    graph = connectGraph({ uri: server.uri, database: 'neo4j' });
    policy = loadTrustPolicy(await policyFileFor(signer));
  });
  after(async () => {
    if (graph) await closeGraph(graph);
    await server?.remove();
  });

  it('re-attaches the file-level facts to the model, relabels the files, and matches a graph written afresh', async () => {
    // the graph as the current code writes the documents
    await applyMigrations(graph, MIGRATIONS_DIR);
    for (const body of Object.values(documents)) await ingest(body);
    // the Key node is named by the real fingerprint here; the old graph below uses a stand-in
    await run(`MATCH (k:Key) SET k.fingerprint = 'repair-key'`);
    const fresh = await canonicalDump(graph, { bookkeeping: false });
    assert.ok(fresh.some((line) => line.startsWith(`node MODEL ${M} `)));
    assert.ok(fresh.some((line) => line.startsWith(`edge TRAINED_ON ${M} -> ${D} `)));

    // an empty database at the release before: migrations 001–003, then what that release wrote
    await run('MATCH (n) DETACH DELETE n');
    const before004 = await mkdtemp(path.join(tmpdir(), 'mpg-before-004-'));
    try {
      for (const name of [
        '001_identity_constraints.cypher',
        '002_lookup_indexes.cypher',
        '003_card_fields_off_artifacts.cypher',
      ]) {
        await cp(path.join(MIGRATIONS_DIR, name), path.join(before004, name));
      }
      await applyMigrations(graph, before004);
    } finally {
      await rm(before004, { recursive: true, force: true });
    }
    await run(OLD_GRAPH, {
      omsM: OMS_M,
      omsD: OMS_D,
      p: P,
      q: Q,
      m: M,
      d: D,
      m1: M1,
      m2: M2,
      m3: M3,
      d1: D1,
      script: SCRIPT,
      torch: TORCH,
      builder: BUILDER,
    });
    const broken = await canonicalDump(graph, { bookkeeping: false });
    assert.ok(
      broken.some((line) => line.startsWith(`node MODEL ${M1} `)),
      'the old graph reports a file as a model',
    );

    const report = await applyMigrations(graph, MIGRATIONS_DIR);
    assert.ok(report.applied.includes('004_lineage_repair.cypher'));
    const repaired = await canonicalDump(graph, { bookkeeping: false });
    assert.deepEqual(
      repaired.filter((line) => !fresh.includes(line)),
      [],
      'the repaired graph has nothing the fresh one lacks',
    );
    assert.deepEqual(
      fresh.filter((line) => !repaired.includes(line)),
      [],
      'the repaired graph lacks nothing the fresh one has',
    );

    // the current code takes over from the repaired graph: the same documents again change nothing
    for (const body of Object.values(documents)) await ingest(body);
    await run(`MATCH (k:Key) WHERE k.fingerprint <> 'repair-key' DETACH DELETE k`);
    await run(`MATCH (a:Attestation) MERGE (k:Key {fingerprint: 'repair-key'}) MERGE (a)-[:SIGNED_BY]->(k)`);
    assert.deepEqual(await canonicalDump(graph, { bookkeeping: false }), fresh);
  });
});
