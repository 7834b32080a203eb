// AI-BOM export against the real Neo4j: a small signed lineage goes in through the service (OMS-signed
// base model, dataset with a CycloneDX data card, SLSA fine-tune provenance naming base model, dataset,
// torch by purl and a config, a model card, a test result, and a forged provenance from an untrusted key),
// then exportAiBom reads the fine-tuned model back as CycloneDX 1.6, 1.7 and SPDX 3.0.1.
// Fresh content every run, so the answers are exact whatever else the shared graph holds.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BomError, exportAiBom, validateCycloneDx } from '../../src/bom/index.ts';
import { connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import type { RunningService } from '../../src/main.ts';
import {
  CYCLONEDX,
  TEST_RESULT,
  newSigner,
  omsStatement,
  provenance,
  sha256,
  signBundle,
  signEnvelope,
  statement,
  type ResourceDescriptor,
} from '../support/attest.ts';
import { integrationEnv, policyFileFor, startTestService, waitForSubmission } from '../support/service.ts';
import { spdxSchemaErrors } from '../support/spdx-schema.ts';

const run = randomUUID();
const signer = newSigner();
const attacker = newSigner();
const base = omsStatement('base-model', { 'weights.bin': `base ${run}` });
const corpus = omsStatement('support-corpus', { 'data.jsonl': `corpus ${run}` });
const tuned = omsStatement('support-bot', { 'config.json': `{"run":"${run}"}`, 'weights.bin': `tuned ${run}` });
const evalSet = sha256(`eval ${run}`);
const config = sha256(`train.yaml ${run}`);
const evil = sha256(`evil ${run}`);
const TORCH = `pkg:pypi/torch-${run.slice(0, 8)}@2.5.1`;
const sha = (hex: string) => `sha256:${hex}`;
const MODEL_CARD = { modelParameters: { task: 'text-classification', approach: { type: 'supervised' } } };

const dataCard = statement(CYCLONEDX, [{ name: 'support-corpus', digest: { sha256: corpus.root } }], {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  metadata: {
    component: {
      type: 'data',
      name: 'support-corpus',
      hashes: [{ alg: 'SHA-256', content: corpus.root }],
      licenses: [{ license: { id: 'CC-BY-4.0' } }],
      data: [
        { type: 'dataset', contents: { url: 'https://data.example.com/support-corpus' }, sensitiveData: ['email addresses'] },
      ],
    },
  },
});
const modelCard = statement(CYCLONEDX, [{ name: 'support-bot', digest: { sha256: tuned.root } }], {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  metadata: { component: { type: 'machine-learning-model', name: 'support-bot', version: '1.0.0', modelCard: MODEL_CARD } },
});
const fineTune = (extra: ResourceDescriptor[], invocationId: string) =>
  provenance({
    subjects: [{ name: 'support-bot', digest: { sha256: tuned.root } }],
    dependencies: extra,
    runKind: 'fine-tune',
    invocationId,
    parameters: { learningRate: 0.0001 },
  });
const genuine = fineTune(
  [
    { name: 'base-model', digest: { sha256: base.root }, annotations: { role: 'base-model' } },
    { name: 'support-corpus', digest: { sha256: corpus.root }, annotations: { role: 'dataset' } },
    // a framework is named by purl in `uri` (docs/LINEAGE.md, "Roles")
    { name: 'torch', uri: TORCH, digest: { sha256: 'e'.repeat(64) }, annotations: { role: 'framework' } },
    { name: 'train.yaml', digest: { sha256: config }, annotations: { role: 'config' } },
  ],
  `ft-${run}`,
);
const forged = fineTune([{ name: 'evil-model', digest: { sha256: evil }, annotations: { role: 'base-model' } }], `forged-${run}`);
const testResult = statement(TEST_RESULT, [{ name: 'support-bot', digest: { sha256: tuned.root } }], {
  result: 'PASSED',
  configuration: [{ name: 'support-eval', digest: { sha256: evalSet }, annotations: { role: 'dataset' } }],
  url: 'https://ci.example.com/eval/1',
});

// Another model's card naming the same dataset: evidence of that model's TRAINED_ON edge, not of anything in
// support-bot's BOM, so it must not be cited there (a popular dataset has thousands of such cards).
const otherModel = sha256(`other-bot ${run}`);
const otherCard = statement(CYCLONEDX, [{ name: 'other-bot', digest: { sha256: otherModel } }], {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  metadata: {
    component: { type: 'machine-learning-model', name: 'other-bot', hashes: [{ alg: 'SHA-256', content: otherModel }] },
  },
  // ... saying something else of it than the dataset's own card: the own card's fields must stay.
  components: [
    {
      type: 'data',
      name: 'support-corpus',
      hashes: [{ alg: 'SHA-256', content: corpus.root }],
      licenses: [{ license: { id: 'MIT' } }],
    },
  ],
});

const trusted = [
  signBundle(base.doc, signer),
  signBundle(corpus.doc, signer),
  signBundle(tuned.doc, signer),
  signEnvelope(dataCard, signer),
  signEnvelope(modelCard, signer),
  signEnvelope(genuine, signer),
  signEnvelope(testResult, signer),
];
const TIMESTAMP = '2026-11-02T10:00:00Z';

describe('AI-BOM export of a signed lineage', () => {
  let service: RunningService;
  let graph: GraphConnection;
  const verified: string[] = [];
  let forgedId = '';
  let otherCardId = '';

  before(async () => {
    service = await startTestService({ TRUST_POLICY_FILE: await policyFileFor(signer) });
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
    for (const body of [...trusted, signEnvelope(forged, attacker)]) {
      const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body });
      const { id } = (await response.json()) as { id: string };
      const done = await waitForSubmission(service.url, id);
      if (done['state'] === 'REJECTED') forgedId = id;
      else verified.push(id);
    }
    assert.equal(verified.length, trusted.length, 'every trusted document verifies');
    const response = await fetch(`${service.url}/v1/attestations`, { method: 'POST', body: signEnvelope(otherCard, signer) });
    otherCardId = ((await response.json()) as { id: string }).id;
    assert.equal((await waitForSubmission(service.url, otherCardId))['state'], 'VERIFIED');
    assert.ok(forgedId, 'the forged provenance is rejected');
  });
  after(async () => {
    await graph?.driver.close();
    await service?.close();
  });

  for (const format of ['CYCLONEDX_1_6', 'CYCLONEDX_1_7'] as const) {
    it(`exports ${format} that the official schema accepts, with the verified lineage only`, async () => {
      const version = format === 'CYCLONEDX_1_6' ? '1.6' : '1.7';
      const bom: any = await exportAiBom(graph, sha(tuned.root), format, { timestamp: TIMESTAMP, baseUrl: service.url });
      assert.deepEqual(await validateCycloneDx(bom, version), []);
      assert.equal(bom.specVersion, version);
      const model = bom.metadata.component;
      assert.deepEqual([model.type, model.name, model.version], ['machine-learning-model', 'support-bot', '1.0.0']);
      assert.deepEqual(model.hashes, [{ alg: 'SHA-256', content: tuned.root }]);
      assert.deepEqual(model.modelCard, MODEL_CARD, 'the signed model card');
      assert.deepEqual(model.components.map((f: any) => f.name).sort(), ['config.json', 'weights.bin']);
      assert.deepEqual(
        model.pedigree.ancestors.map((a: any) => [a['bom-ref'], a.name, a.properties]),
        [
          [
            sha(base.root),
            'base-model',
            [
              { name: 'mpg:depth', value: '1' },
              { name: 'mpg:derivedBy', value: 'fine-tune' },
            ],
          ],
        ],
        'the forged base model is not an ancestor',
      );
      const byRef = new Map(bom.components.map((c: any) => [c['bom-ref'], c]));
      const data: any = byRef.get(sha(corpus.root));
      assert.equal(data.type, 'data');
      assert.deepEqual(data.licenses, [{ license: { id: 'CC-BY-4.0' } }]);
      assert.deepEqual(data.data, [
        {
          type: 'dataset',
          name: 'support-corpus',
          contents: { url: 'https://data.example.com/support-corpus' },
          sensitiveData: ['email addresses'],
        },
      ]);
      assert.deepEqual((byRef.get(sha(evalSet)) as any).properties, [{ name: 'mpg:role', value: 'evaluation' }]);
      const torch: any = byRef.get(TORCH);
      assert.deepEqual([torch.type, torch.purl, torch.version], ['library', TORCH, '2.5.1']);
      assert.deepEqual(torch.hashes, [{ alg: 'SHA-256', content: 'e'.repeat(64) }], 'the wheel digest from the provenance');
      assert.deepEqual(
        bom.dependencies.find((d: any) => d.ref === sha(tuned.root)).dependsOn,
        [sha(base.root), sha(corpus.root), TORCH].sort(),
      );
      const [workflow] = bom.formulation[0].workflows;
      assert.equal(workflow.uid, `ft-${run}`);
      assert.deepEqual(
        workflow.tasks[0].inputs.filter((i: any) => i.resource).map((i: any) => [i.resource.ref, i.properties[0].value]),
        [
          [sha(base.root), 'base-model'],
          [sha(corpus.root), 'dataset'],
          [TORCH, 'framework'],
          [sha(config), 'config'],
        ],
      );
      // Every verified document is evidence for something in the BOM: the three OMS signatures, both cards,
      // the provenance and the test result; each named by its API URL, with its digest as the hash.
      assert.deepEqual(
        bom.externalReferences.map((r: any) => [r.type, r.url, r.hashes[0].content]),
        [...verified].sort().map((id) => ['attestation', `${service.url}/v1/attestations/${id}`, id.slice('sha256:'.length)]),
      );
      assert.ok(!JSON.stringify(bom).includes(forgedId.slice('sha256:'.length)), 'nothing from the forged provenance');
      assert.ok(!JSON.stringify(bom).includes(otherCardId.slice('sha256:'.length)), "not another model's card of the dataset");
      assert.ok(!JSON.stringify(bom).includes(evil), 'nothing the forged provenance claimed');
    });
  }

  it('exports SPDX 3.0.1 with trainedOn, testedOn, ancestorOf and dependsOn', async () => {
    const doc: any = await exportAiBom(graph, sha(tuned.root), 'SPDX_3_0_1', { timestamp: TIMESTAMP });
    assert.deepEqual(spdxSchemaErrors(doc), [], 'the SPDX 3.0.1 JSON Schema accepts it');
    const all: any[] = doc['@graph'];
    const byId = new Map(all.filter((e) => e.spdxId).map((e) => [e.spdxId, e]));
    const key = (id: string) => byId.get(id)?.software_packageUrl ?? byId.get(id)?.verifiedUsing?.[0]?.hashValue;
    const rel = (type: string) => all.filter((e) => e.relationshipType === type).map((r) => [key(r.from), r.to.map(key)]);
    assert.equal(byId.get(all[1].rootElement[0]).type, 'ai_AIPackage');
    assert.deepEqual(rel('trainedOn'), [[tuned.root, [corpus.root]]]);
    assert.deepEqual(rel('testedOn'), [[tuned.root, [evalSet]]]);
    assert.deepEqual(rel('ancestorOf'), [[base.root, [tuned.root]]]);
    assert.deepEqual(rel('dependsOn'), [[tuned.root, [TORCH]]]);
    assert.equal(all.filter((e) => e.type === 'dataset_DatasetPackage').length, 2);
    assert.ok(!JSON.stringify(doc).includes(evil));
  });

  it('refuses an unknown digest (NOT_FOUND) and a dataset (NOT_A_MODEL)', async () => {
    const code = (error: unknown) => (error instanceof BomError ? error.code : error);
    await assert.rejects(
      exportAiBom(graph, sha(sha256(`nothing ${run}`)), 'CYCLONEDX_1_6', { timestamp: TIMESTAMP }),
      (e) => code(e) === 'NOT_FOUND',
    );
    await assert.rejects(
      exportAiBom(graph, sha(corpus.root), 'SPDX_3_0_1', { timestamp: TIMESTAMP }),
      (e) => code(e) === 'NOT_A_MODEL',
    );
  });
});
