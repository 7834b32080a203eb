// The ML lifecycle Atlas CLI 0.3.0 wrote (test/fixtures/atlas, scripts/fixtures/make-atlas.sh), ingested by the
// running service on the real Neo4j and Redis: models, datasets, software, evaluations and the fine-tune linked as
// Atlas meant, each edge with the attestation behind it; links outside a signature adding nothing; what cannot be
// verified recorded as rejected with its code; the same graph whatever the arrival order; revoking the key of a
// manifest withdraws the links it made and the evaluation links that relied on it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import { verifyDocument, type Verified } from '../../src/verify/index.ts';
import { ATLAS_FIXTURES, ATLAS_URNS, atlasDocument, atlasFile, atlasPolicy, type AtlasDocumentName } from '../support/atlas.ts';
import { graphql, integrationEnv, startTestService, waitForSubmission, writeTrustPolicy } from '../support/service.ts';
import { random, shuffle } from '../support/seeded.ts';

const LIFECYCLE: readonly AtlasDocumentName[] = [
  'dataset-raw',
  'dataset-train',
  'dataset-finetune',
  'dataset-eval',
  'dataset-unrelated',
  'software-train',
  'base-model',
  'base-model.oms',
  'finetuned-model',
  'finetuned-model.oms',
  'evaluation-base',
  'evaluation-finetuned',
  'finetune-run.slsa',
];
const UNVERIFIABLE: readonly [string, Buffer, string][] = [
  ['unsigned-dataset', atlasDocument('unsigned-dataset'), 'MANIFEST_UNSIGNED'],
  ['base-model.oms-stored', atlasDocument('base-model.oms-stored'), 'MANIFEST_UNSIGNED'],
  ['untrusted-dataset', atlasDocument('untrusted-dataset'), 'SIGNATURE_INVALID'],
  ['dataset.cbor.hex', atlasFile('documents/dataset.cbor.hex'), 'UNSUPPORTED_ENCODING'],
];

const id = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const doc = (name: AtlasDocumentName) => id(atlasDocument(name));

// What the fixtures are about, from verifying them offline: the subjects, files and URNs this test owns.
const verified = new Map<AtlasDocumentName, Verified>();
for (const name of [...LIFECYCLE, 'finetuned-model.relinked'] as const) {
  const r = await verifyDocument(atlasDocument(name), atlasPolicy());
  assert.equal(r.status, 'verified', name);
  verified.set(name, r as Verified);
}
const root = (name: AtlasDocumentName) => {
  const atlas = verified.get(name)?.atlas;
  assert.ok(atlas, name);
  return `${atlas.root.algorithm}:${atlas.root.hex}`;
};
const OWNED = {
  artifacts: [...verified.values()].flatMap((r) => [
    ...r.statement.subjects.map((s) => `sha384:${s.digest['sha384']}`),
    ...(r.atlas?.ingredients.map((f) => `${f.digest.algorithm}:${f.digest.hex}`) ?? []),
  ]),
  attestations: [...LIFECYCLE.map(doc), doc('finetuned-model.relinked'), ...UNVERIFIABLE.map(([, b]) => id(b))],
  urns: [...Object.values(ATLAS_URNS)],
};

const MODEL = { base: root('base-model'), finetuned: root('finetuned-model') };
const DATASET = {
  raw: root('dataset-raw'),
  train: root('dataset-train'),
  finetune: root('dataset-finetune'),
  eval: root('dataset-eval'),
  unrelated: root('dataset-unrelated'),
};
const SOFTWARE = root('software-train');

/** The lineage edges between the lifecycle's models, datasets and software, each with its sorted evidence. */
const EXPECTED = [
  ['DERIVED_FROM', MODEL.finetuned, MODEL.base, 'unknown', null, [doc('finetuned-model.oms')]],
  ['EVALUATED_ON', MODEL.base, DATASET.finetune, null, null, [doc('evaluation-base')]],
  ['TRAINED_ON', MODEL.base, DATASET.train, null, null, [doc('base-model.oms')]],
  ['TRAINED_ON', MODEL.finetuned, DATASET.finetune, null, null, [doc('finetuned-model.oms')]],
  ['USED', MODEL.base, SOFTWARE, null, 'code', [doc('base-model.oms')]],
].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('the Atlas CLI lifecycle', () => {
  let service: RunningService;
  let graph: GraphConnection;
  let policyFile: string;
  const trusting = JSON.parse(readFileSync(path.join(ATLAS_FIXTURES, 'trust-policy.json'), 'utf8')) as {
    keys: { pemFile: string }[];
  };
  const absolute = (keys: { pemFile: string }[]) => keys.map((k) => ({ ...k, pemFile: path.join(ATLAS_FIXTURES, k.pemFile) }));
  const setPolicy = async (keys: { pemFile: string }[]) => {
    await writeFile(policyFile, JSON.stringify({ keys: absolute(keys) }));
    // the store notices a change by the file's mtime: make sure a second has passed between writes
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };

  async function submit(body: Buffer): Promise<Record<string, unknown>> {
    const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body: new Uint8Array(body) });
    assert.equal(response.status, 202);
    const { id: submission } = (await response.json()) as { id: string };
    return waitForSubmission(service.url, submission);
  }

  /** Submits all at once (the worker runs four at a time), then waits for each. */
  async function ingest(names: readonly AtlasDocumentName[]): Promise<void> {
    const ids = await Promise.all(
      names.map(async (name) => {
        const response = await fetch(`${service.url}/v1/attestations`, {
          method: 'POST',
          body: new Uint8Array(atlasDocument(name)),
        });
        return ((await response.json()) as { id: string }).id;
      }),
    );
    for (const [i, submission] of ids.entries()) {
      const done = await waitForSubmission(service.url, submission);
      assert.equal(done['state'], 'VERIFIED', `${names[i]}: ${JSON.stringify(done)}`);
    }
  }

  async function clean(): Promise<void> {
    await graph.driver.executeQuery(
      `MATCH (n) WHERE (n:Artifact AND n.digest IN $artifacts) OR (n:Attestation AND n.digest IN $attestations)
         OR (n:AtlasManifest AND n.urn IN $urns) OR (n:PipelineRun AND n.id IN $attestations)
       DETACH DELETE n`,
      OWNED,
      { database: 'neo4j' },
    );
  }

  /** Every lineage edge with evidence from these documents, canonical: type, ends, how, role, sorted evidence. */
  async function dump(): Promise<unknown[]> {
    const { records } = await graph.driver.executeQuery(
      `MATCH (a)-[r]->(b) WHERE any(e IN coalesce(r.evidence, []) WHERE e IN $attestations)
       RETURN type(r) AS type, coalesce(a.digest, a.id) AS from, coalesce(b.digest, b.id, b.urn) AS to,
              r.how AS how, r.role AS role, r.digest AS pinned, r.as AS cites, r.path AS path,
              [e IN r.evidence | e] AS evidence`,
      { attestations: OWNED.attestations },
      { database: 'neo4j' },
    );
    return canonical(records, ['type', 'from', 'to', 'how', 'role', 'pinned', 'cites', 'path']);
  }

  /** The typed lineage edges among the lifecycle's roots (the expectation above). */
  async function lineageEdges(): Promise<unknown[]> {
    const roots = [...Object.values(MODEL), ...Object.values(DATASET), SOFTWARE];
    const { records } = await graph.driver.executeQuery(
      `MATCH (a:Artifact)-[r:DERIVED_FROM|TRAINED_ON|USED|EVALUATED_ON|BUILT_WITH]->(b:Artifact)
       WHERE a.digest IN $roots AND b.digest IN $roots
       RETURN type(r) AS type, a.digest AS from, b.digest AS to, r.how AS how, r.role AS role, r.evidence AS evidence`,
      { roots },
      { database: 'neo4j' },
    );
    return canonical(records, ['type', 'from', 'to', 'how', 'role']);
  }

  before(async () => {
    policyFile = await writeTrustPolicy({ keys: absolute(trusting.keys) });
    service = await startTestService({ TRUST_POLICY_FILE: policyFile });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
    await clean();
    await ingest(LIFECYCLE);
  });
  after(async () => {
    await graph?.driver.close();
    await service?.close();
  });

  it('links what Atlas linked inside a signature, typed by what the target is, each edge with its evidence', async () => {
    assert.deepEqual(await lineageEdges(), EXPECTED);
  });

  it('labels the models and datasets by the kind their own signed claims give', async () => {
    const { records } = await graph.driver.executeQuery(
      `UNWIND $roots AS d MATCH (n:Artifact {digest: d}) RETURN d, n:Model AS model, n:Dataset AS dataset, n.name AS name`,
      { roots: [MODEL.base, MODEL.finetuned, DATASET.train, SOFTWARE] },
      { database: 'neo4j' },
    );
    assert.deepEqual(
      records.map((r) => [r.get('model'), r.get('dataset'), r.get('name')]),
      [
        [true, false, 'Base model'],
        [true, false, 'Fine-tuned model'],
        [false, true, null],
        [false, false, 'Training script'],
      ],
    );
  });

  it('answers the lineage, models-from-dataset and incident questions through the API with the evidence', async () => {
    const lineage = await graphql(
      service.url,
      `
        query ($d: String!) {
          lineage(digest: $d, direction: UPSTREAM, maxDepth: 3) {
            edges {
              type
              how
              from {
                key
              }
              to {
                key
              }
              verified
              evidence {
                attestation
                status
                signer {
                  kind
                  fingerprint
                }
              }
            }
          }
        }
      `,
      { d: MODEL.finetuned },
    );
    assert.equal(lineage.errors, undefined, JSON.stringify(lineage.errors));
    const edges = (lineage.data?.['lineage'] as { edges: any[] }).edges;
    const derived = edges.find((e) => e.type === 'DERIVED_FROM');
    assert.equal(derived?.to.key, MODEL.base);
    assert.equal(derived?.how, 'unknown');
    assert.deepEqual(
      derived?.evidence.map((e: any) => [e.attestation, e.status, e.signer.kind]),
      [[doc('finetuned-model.oms'), 'VERIFIED', 'KEY']],
    );
    assert.ok(
      edges.some((e) => e.type === 'TRAINED_ON' && e.from.key === MODEL.base && e.to.key === DATASET.train && e.verified),
    );

    const trained = await graphql(
      service.url,
      `
        query ($d: String!) {
          modelsTrainedOn(dataset: $d) {
            edges {
              node {
                node {
                  key
                }
                depth
              }
            }
          }
        }
      `,
      { d: DATASET.train },
    );
    assert.equal(trained.errors, undefined, JSON.stringify(trained.errors));
    const found = (trained.data?.['modelsTrainedOn'] as { edges: any[] }).edges.map((e) => [e.node.node.key, e.node.depth]);
    assert.deepEqual(
      found.sort(),
      [
        [MODEL.base, 1],
        [MODEL.finetuned, 2],
      ].sort(),
    );

    const trace = await graphql(
      service.url,
      `
        query ($d: String!) {
          incidentTrace(compromised: { artifact: $d }) {
            affected {
              edges {
                node {
                  node {
                    key
                  }
                  verified
                }
              }
            }
          }
        }
      `,
      { d: SOFTWARE },
    );
    assert.equal(trace.errors, undefined, JSON.stringify(trace.errors));
    const affected = (trace.data?.['incidentTrace'] as { affected: { edges: any[] } }).affected.edges.map((e) => e.node.node.key);
    assert.ok(affected.includes(MODEL.base) && affected.includes(MODEL.finetuned), JSON.stringify(affected));
  });

  it('adds no verified edge for links outside a signature: standalone cross-references, links rewritten after signing', async () => {
    const links = async () => (await dump()).filter((edge) => (edge as string[])[0] !== 'CONTAINS');
    const before = await links();
    const done = await submit(atlasDocument('finetuned-model.relinked'));
    assert.equal(done['state'], 'VERIFIED', 'its claim is authentic; only its links are not');
    assert.deepEqual(await links(), before);
    // What it does assert is its own claim: the fine-tuned model's files.
    const { records: own } = await graph.driver.executeQuery(
      `MATCH (a)-[r]->(b) WHERE $relinked IN r.evidence RETURN type(r) AS type, a.digest AS from`,
      { relinked: doc('finetuned-model.relinked') },
      { database: 'neo4j' },
    );
    assert.deepEqual(new Set(own.map((r) => `${r.get('type')} ${r.get('from')}`)), new Set([`CONTAINS ${MODEL.finetuned}`]));
    // The links it carries outside its signature are on its record, and nowhere else.
    const { records: recorded } = await graph.driver.executeQuery(
      `MATCH (a:Attestation {digest: $relinked}) RETURN a.atlasUnsignedLinks AS links`,
      { relinked: doc('finetuned-model.relinked') },
      { database: 'neo4j' },
    );
    assert.deepEqual(recorded[0]?.get('links'), [ATLAS_URNS.baseModel, ATLAS_URNS.fineTuningSet, ATLAS_URNS.unrelatedDataset]);
    const { records } = await graph.driver.executeQuery(
      `MATCH (a:Artifact)-[r]-(b:Artifact) WHERE a.digest IN $unlinked AND NOT type(r) IN ['CONTAINS'] RETURN count(r) AS n`,
      { unlinked: [DATASET.unrelated, DATASET.raw] },
      { database: 'neo4j' },
    );
    assert.equal(
      records[0]?.get('n').toNumber(),
      0,
      'the training set’s link to the raw corpus and the relinked dataset link nothing',
    );
  });

  it('does not link an evaluation whose dataset no signature binds to a manifest', async () => {
    const { records } = await graph.driver.executeQuery(
      `MATCH (:Artifact {digest: $m})-[r:EVALUATED_ON]->() RETURN count(r) AS n`,
      { m: MODEL.finetuned },
      { database: 'neo4j' },
    );
    assert.equal(records[0]?.get('n').toNumber(), 0);
  });

  it('records what Atlas emits that cannot be verified as rejected, with its code, linked to nothing', async () => {
    for (const [name, body, code] of UNVERIFIABLE) {
      const done = await submit(body);
      assert.equal(done['state'], 'REJECTED', name);
      assert.equal((done['attestation'] as { reasonCode?: string } | null)?.reasonCode, code, name);
    }
    const { records } = await graph.driver.executeQuery(
      `UNWIND $ids AS d MATCH (a:Attestation {digest: d}) OPTIONAL MATCH (a)-[l]->() RETURN d, a.status AS s, count(l) AS links`,
      { ids: UNVERIFIABLE.map(([, b]) => id(b)) },
      { database: 'neo4j' },
    );
    assert.deepEqual(
      records.map((r) => [r.get('s'), r.get('links').toNumber()]),
      UNVERIFIABLE.map(() => ['rejected', 0]),
    );
  });

  it('builds the same graph whatever the arrival order', async () => {
    const forward = await dump();
    for (const order of [[...LIFECYCLE].reverse(), shuffle(LIFECYCLE, random(11))]) {
      await clean();
      await ingest([...order, 'finetuned-model.relinked']);
      assert.deepEqual(await dump(), forward, order.join(' '));
    }
  });

  it('withdraws what a revoked manifest linked, and the evaluation link it bound; restores them when trusted again', async () => {
    const full = await lineageEdges();
    await setPolicy(trusting.keys.filter((k) => !k.pemFile.includes('ml-team')));
    const revoked = await submit(atlasDocument('finetuned-model.oms'));
    assert.equal(revoked['state'], 'REJECTED');
    // The base model's evaluation named the base model and the fine-tuning set by URN only; the fine-tune's signed
    // cross-references were what bound those URNs to manifests.
    assert.deepEqual(
      await lineageEdges(),
      EXPECTED.filter(
        (e) => e[5] !== undefined && !(e[5] as string[]).includes(doc('finetuned-model.oms')) && e[0] !== 'EVALUATED_ON',
      ),
    );
    await setPolicy(trusting.keys);
    assert.equal((await submit(atlasDocument('finetuned-model.oms')))['state'], 'VERIFIED');
    assert.deepEqual(await lineageEdges(), full);
  });
});

/** Rows of the named columns and the sorted `evidence` column, sorted: comparable whatever order Neo4j returns. */
function canonical(records: readonly { get(key: string): unknown }[], columns: readonly string[]): unknown[] {
  return records
    .map((r) => [...columns.map((column) => r.get(column)), [...(r.get('evidence') as string[])].sort()])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
