// Atlas CLI documents (test/fixtures/atlas) → graph facts: what each form links, and that links outside the
// signature never reach the graph.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsFromResult } from '../../src/ingest/index.ts';
import type { AttestationFacts } from '../../src/graph/index.ts';
import { verifyDocument } from '../../src/verify/index.ts';
import { ATLAS_URNS, atlasDocument, atlasPolicy, type AtlasDocumentName } from '../support/atlas.ts';

const meta = { origin: 'test', collector: 'unit', receivedAt: '2026-01-01T00:00:00.000Z' };
const policy = atlasPolicy();

async function factsOf(name: AtlasDocumentName): Promise<AttestationFacts> {
  const bytes = atlasDocument(name);
  const result = await verifyDocument(bytes, policy);
  assert.equal(result.status, 'verified', result.status === 'rejected' ? `${result.code}: ${result.message}` : '');
  const facts = factsFromResult(result, bytes.toString('utf8'), meta);
  assert.equal(facts.attestation.status, 'verified', facts.attestation.reason ?? '');
  return facts;
}

const rootOf = (facts: AttestationFacts) => facts.attests[0] ?? '';

describe('Atlas manifests → facts', () => {
  it('a standalone dataset: its files, Atlas’s hash of them as a Dataset, findable by URN and by the digests of its JSON', async () => {
    const facts = await factsOf('dataset-train');
    const root = rootOf(facts);
    assert.match(root, /^sha384:[0-9a-f]{96}$/);
    assert.deepEqual(
      facts.artifacts.map((a) => [a.digest === root ? 'root' : 'file', a.labels]),
      [
        ['root', ['Dataset']],
        ['file', ['File']],
      ],
    );
    assert.deepEqual(
      facts.contains.map((c) => [c.parent === root, c.path]),
      [[true, 'data/train/train.jsonl']],
    );
    assert.equal(facts.atlas?.manifest.urn, ATLAS_URNS.trainingSet);
    assert.equal(facts.atlas?.manifest.urnSigned, false);
    assert.deepEqual(
      facts.atlas?.manifest.digests.map((d) => d.split(':')[0]),
      ['sha256', 'sha384', 'sha512'],
    );
    assert.deepEqual(facts.atlas?.references, [], 'its link to the raw corpus is outside the signature');
    assert.deepEqual(facts.atlas?.unsignedLinks, [ATLAS_URNS.rawDataset], 'kept for the record only');
    assert.equal(facts.edges, undefined);
  });

  it('the OMS-form base model: a named Model whose signed cross-references go to the graph with their pinned digests', async () => {
    const facts = await factsOf('base-model.oms');
    assert.deepEqual(facts.artifacts[0]?.labels, ['Model']);
    assert.equal(facts.artifacts[0]?.name, 'Base model');
    assert.equal(facts.atlas?.manifest.urnSigned, true);
    assert.deepEqual(facts.atlas?.manifest.digests, []);
    assert.deepEqual(
      facts.atlas?.references.map((r) => [r.urn, r.digest.split(':')[0]]),
      [
        [ATLAS_URNS.trainingSet, 'sha384'],
        [ATLAS_URNS.software, 'sha384'],
      ],
    );
    // The reference to the training set pins the exact training-set manifest the fixtures hold.
    const train = await factsOf('dataset-train');
    assert.ok(train.atlas?.manifest.digests.includes(facts.atlas?.references[0]?.digest ?? ''));
  });

  it('the standalone and OMS forms of one model have one subject; the standalone one passes no links', async () => {
    const standalone = await factsOf('finetuned-model');
    const oms = await factsOf('finetuned-model.oms');
    assert.equal(rootOf(standalone), rootOf(oms));
    assert.deepEqual(standalone.atlas?.references, []);
    assert.equal(oms.atlas?.references.length, 2);
  });

  it('links rewritten after signing pass nothing on', async () => {
    const relinked = await factsOf('finetuned-model.relinked');
    assert.deepEqual(relinked.atlas?.references, []);
    assert.equal(relinked.atlas?.evaluation, undefined);
    assert.equal(relinked.edges, undefined);
  });

  it('an evaluation: its model and dataset ids from the signed claim', async () => {
    const facts = await factsOf('evaluation-base');
    assert.deepEqual(facts.atlas?.evaluation, { modelUrn: ATLAS_URNS.baseModel, datasetUrn: ATLAS_URNS.fineTuningSet });
    assert.deepEqual(facts.artifacts[0]?.labels, [], 'an evaluation result is not a model or dataset');
    assert.equal(facts.artifacts[0]?.name, 'Base model on the domain set');
  });

  it('software: a plain artifact with its signed name', async () => {
    const facts = await factsOf('software-train');
    assert.deepEqual(facts.artifacts[0]?.labels, []);
    assert.equal(facts.artifacts[0]?.name, 'Training script');
  });
});

describe('Atlas SLSA provenance → facts', () => {
  it('file subjects produced by a run of the Atlas builder; inputs from externalParameters; the pipeline as code', async () => {
    const facts = await factsOf('finetune-run.slsa');
    const run = facts.runs?.[0];
    assert.equal(run?.id, facts.attestation.digest, 'no invocationId: the run is the attestation');
    assert.equal(run?.buildType, 'atlas-cli:0.3.0');
    assert.equal(run?.builder, 'https://github.com/IntelLabs/atlas-cli');
    assert.equal(facts.attests.length, 2);
    const produced = facts.edges?.filter((e) => e.type === 'PRODUCED_BY') ?? [];
    assert.equal(produced.length, 2);
    // Three inputs (the base model's two files, the fine-tuning set) for each of the two subjects, typed by the graph.
    assert.equal(facts.inferred?.length, 6);
    const code = facts.edges?.filter((e) => e.type === 'USED' && e.props['role'] === 'code') ?? [];
    assert.equal(code.length, 2);
    for (const edge of [
      ...(facts.inferred ?? []).map((i) => i.to),
      ...code.map((e) => (e.to.kind === 'artifact' ? e.to.digest : '')),
    ]) {
      assert.match(edge, /^sha384:[0-9a-f]{96}$/);
    }
  });
});
