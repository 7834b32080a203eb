// CycloneDX 1.6 / 1.7 ML-BOM from a hand-made subject: schema-valid for both versions, and the model,
// pedigree, data, libraries, formulation, dependencies and attestation references it must hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BomError, buildCycloneDx, validateCycloneDx, type CycloneDxVersion } from '../../../src/bom/index.ts';
import {
  ATT,
  BASE,
  BASE_CORPUS,
  CONFIG,
  CORPUS,
  EVAL,
  FOUNDATION,
  MODEL,
  MODEL_CARD,
  TORCH,
  hex,
  subject,
} from './subject-fixture.ts';

const OPTIONS = { timestamp: '2026-11-02T10:00:00Z' };
const VERSIONS: CycloneDxVersion[] = ['1.6', '1.7'];

describe('CycloneDX ML-BOM', () => {
  for (const version of VERSIONS) {
    it(`is valid against the official ${version} schema`, async () => {
      const bom = await buildCycloneDx(subject(), version, OPTIONS);
      assert.equal(bom['specVersion'], version);
      assert.equal(bom['$schema'], `http://cyclonedx.org/schema/bom-${version}.schema.json`);
      assert.deepEqual(await validateCycloneDx(bom, version), []);
    });
  }

  it('describes the model with hashes, files, its signed model card and attestation references', async () => {
    const bom: any = await buildCycloneDx(subject(), '1.6', OPTIONS);
    const model = bom.metadata.component;
    assert.equal(bom.metadata.timestamp, OPTIONS.timestamp);
    assert.equal(model.type, 'machine-learning-model');
    assert.equal(model['bom-ref'], MODEL);
    assert.equal(model.name, 'support-bot');
    assert.equal(model.version, '1.0.0');
    assert.deepEqual(model.hashes, [{ alg: 'SHA-256', content: hex('a') }]);
    assert.deepEqual(model.licenses, [{ license: { id: 'Apache-2.0' } }]);
    // the author's card, minus its foreign bom-ref
    const card: Record<string, unknown> = { ...MODEL_CARD };
    delete card['bom-ref'];
    assert.deepEqual(model.modelCard, card);
    assert.deepEqual(
      model.components.map((f: any) => [f.name, f.hashes[0].alg]),
      [
        ['config.json', 'SHA-256'],
        ['model.safetensors', 'SHA-384'],
      ],
    );
    const attestations = model.externalReferences.filter((r: any) => r.type === 'attestation');
    assert.deepEqual(
      attestations.map((r: any) => r.url),
      [ATT.tunedOms, ATT.slsaTune, ATT.test, ATT.modelCard].sort().map((a) => `urn:attestation:${a}`),
    );
    const slsa = attestations.find((r: any) => r.url.endsWith(hex('3')));
    assert.deepEqual(slsa.hashes, [{ alg: 'SHA-256', content: hex('3') }]);
    assert.match(slsa.comment, /slsa\.dev\/provenance\/v1; signed by ci@example\.com \(issuer https:\/\/issuer\.example\)/);
    assert.deepEqual(
      model.externalReferences.filter((r: any) => r.type === 'quality-metrics').map((r: any) => r.url),
      ['https://ci.example.com/eval/1'],
    );
  });

  it('puts base models in pedigree.ancestors, nearest first, with how and depth and their own data by reference', async () => {
    const bom: any = await buildCycloneDx(subject(), '1.7', OPTIONS);
    const ancestors = bom.metadata.component.pedigree.ancestors;
    assert.deepEqual(
      ancestors.map((a: any) => [a['bom-ref'], a.type, a.properties]),
      [
        [
          BASE,
          'machine-learning-model',
          [
            { name: 'mpg:depth', value: '1' },
            { name: 'mpg:derivedBy', value: 'fine-tune' },
          ],
        ],
        [
          FOUNDATION,
          'machine-learning-model',
          [
            { name: 'mpg:depth', value: '2' },
            { name: 'mpg:derivedBy', value: 'distillation' },
          ],
        ],
      ],
    );
    assert.deepEqual(ancestors[0].modelCard.modelParameters.datasets, [{ ref: BASE_CORPUS }]);
    assert.ok(ancestors[0].externalReferences.some((r: any) => r.url === `urn:attestation:${ATT.slsaTune}`));
  });

  it('lists datasets as data components and frameworks as library components', async () => {
    const bom: any = await buildCycloneDx(subject(), '1.6', OPTIONS);
    const byRef = new Map(bom.components.map((c: any) => [c['bom-ref'], c]));
    assert.deepEqual([...byRef.keys()], [EVAL, CORPUS, BASE_CORPUS, TORCH], 'datasets by digest, then libraries');
    const corpus: any = byRef.get(CORPUS);
    assert.equal(corpus.type, 'data');
    assert.deepEqual(corpus.data, [
      {
        type: 'dataset',
        name: 'support-corpus',
        contents: { url: 'https://data.example.com/support-corpus' },
        sensitiveData: ['customer names'],
      },
    ]);
    assert.deepEqual(corpus.licenses, [{ license: { id: 'CC-BY-4.0' } }]);
    assert.deepEqual(corpus.properties, [{ name: 'mpg:role', value: 'training' }]);
    assert.deepEqual((byRef.get(EVAL) as any).properties, [{ name: 'mpg:role', value: 'evaluation' }]);
    assert.deepEqual((byRef.get(BASE_CORPUS) as any).properties, [{ name: 'mpg:role', value: 'ancestor-training' }]);
    const torch: any = byRef.get(TORCH);
    assert.deepEqual([torch.type, torch.name, torch.version, torch.purl], ['library', 'torch', '2.5.1', TORCH]);
    assert.deepEqual(torch.hashes, [{ alg: 'SHA-256', content: hex('7') }]);
  });

  it('records the training run in formulation with its inputs, hyperparameters, builder and evidence', async () => {
    const bom: any = await buildCycloneDx(subject(), '1.6', OPTIONS);
    const [formula] = bom.formulation;
    assert.deepEqual(
      formula.components.map((c: any) => [c['bom-ref'], c.data[0].type]),
      [[CONFIG, 'configuration']],
    );
    assert.deepEqual(formula.services, [
      {
        'bom-ref': 'builder:https://ml.example.com/builders/trainer',
        name: 'https://ml.example.com/builders/trainer',
        externalReferences: [bom.metadata.component.externalReferences.find((r: any) => r.url.endsWith(hex('3')))],
      },
    ]);
    const [workflow] = formula.workflows;
    assert.equal(workflow.uid, 'ft-42');
    assert.equal(workflow.timeStart, '2026-11-01T00:00:00Z');
    assert.deepEqual(workflow.properties.slice(0, 3), [
      { name: 'mpg:runKind', value: 'fine-tune' },
      { name: 'mpg:buildType', value: 'https://ml.example.com/pipelines/fine-tune/v1' },
      { name: 'mpg:builder', value: 'https://ml.example.com/builders/trainer' },
    ]);
    assert.deepEqual(workflow.resourceReferences[0], { ref: 'builder:https://ml.example.com/builders/trainer' });
    assert.equal(workflow.resourceReferences[1].externalReference.url, `urn:attestation:${ATT.slsaTune}`);
    const [task] = workflow.tasks;
    assert.deepEqual(
      task.inputs.filter((i: any) => i.resource).map((i: any) => [i.resource.ref, i.properties[0].value]),
      [
        [BASE, 'base-model'],
        [CORPUS, 'dataset'],
        [TORCH, 'framework'],
        [CONFIG, 'config'],
      ],
    );
    assert.deepEqual(task.inputs.at(-1).parameters, [
      { name: 'epochs', value: '3', dataType: 'number' },
      { name: 'learningRate', value: '0.0001', dataType: 'number' },
      { name: 'runKind', value: 'fine-tune', dataType: 'string' },
    ]);
    assert.deepEqual(task.outputs, [{ type: 'artifact', resource: { ref: MODEL } }]);
  });

  it('builds the dependency graph: model → base, data, frameworks; base → its base and data', async () => {
    const bom: any = await buildCycloneDx(subject(), '1.6', OPTIONS);
    assert.deepEqual(
      bom.dependencies,
      [
        { ref: MODEL, dependsOn: [BASE, CORPUS, TORCH].sort() },
        { ref: BASE, dependsOn: [BASE_CORPUS, FOUNDATION].sort() },
        { ref: FOUNDATION },
        { ref: CORPUS },
        { ref: BASE_CORPUS },
        { ref: EVAL },
        { ref: TORCH },
      ].sort((a, b) => (a.ref < b.ref ? -1 : 1)),
    );
  });

  it('is deterministic: same subject and timestamp, same document; another timestamp, another serial number', async () => {
    const one: any = await buildCycloneDx(subject(), '1.6', OPTIONS);
    const two: any = await buildCycloneDx(subject(), '1.6', OPTIONS);
    assert.equal(JSON.stringify(one), JSON.stringify(two));
    assert.match(one.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const later: any = await buildCycloneDx(subject(), '1.6', { timestamp: '2026-11-03T10:00:00Z' });
    assert.notEqual(later.serialNumber, one.serialNumber);
  });

  it('points attestation references at the API when given its base URL', async () => {
    const bom: any = await buildCycloneDx(subject(), '1.7', { ...OPTIONS, baseUrl: 'https://mpg.example.com/' });
    assert.ok(
      bom.externalReferences.every(
        (r: any) => r.type === 'attestation' && r.url.startsWith('https://mpg.example.com/v1/attestations/sha256:'),
      ),
    );
    assert.equal(bom.externalReferences.length, 7);
    assert.deepEqual(await validateCycloneDx(bom, '1.7'), []);
  });

  it('builds a minimal model card from the graph when there is no signed card, or one this version rejects', async () => {
    const plain = subject();
    const noCard: any = await buildCycloneDx({ ...plain, model: { ...plain.model, card: null } }, '1.6', OPTIONS);
    assert.deepEqual(noCard.metadata.component.modelCard, {
      modelParameters: { datasets: [{ ref: CORPUS }] },
      quantitativeAnalysis: { performanceMetrics: [{ type: 'in-toto test-result', value: 'PASSED', slice: 'support-eval' }] },
      properties: [{ name: 'mpg:modelCard', value: 'built from lineage' }],
    });
    const bad = JSON.stringify({ modelParameters: { approach: { type: 'telepathy' } }, madeUp: true });
    const rejected: any = await buildCycloneDx(
      { ...plain, model: { ...plain.model, card: { ...(plain.model.card as any), modelCard: bad } } },
      '1.6',
      OPTIONS,
    );
    assert.equal(
      rejected.metadata.component.modelCard.properties[0].value,
      'signed card not valid for this CycloneDX version; built from lineage',
    );
    assert.deepEqual(await validateCycloneDx(rejected, '1.6'), []);
  });

  it('uses a license name when the license is not an SPDX id', async () => {
    const plain = subject();
    const bom: any = await buildCycloneDx(
      { ...plain, model: { ...plain.model, card: { ...(plain.model.card as any), license: 'Llama 3 Community License' } } },
      '1.6',
      OPTIONS,
    );
    assert.deepEqual(bom.metadata.component.licenses, [{ license: { name: 'Llama 3 Community License' } }]);
  });

  it('refuses to return a document its schema rejects (INVALID_BOM, with the errors)', async () => {
    await assert.rejects(buildCycloneDx(subject(), '1.6', { timestamp: 'yesterday' }), (error: unknown) => {
      assert.ok(error instanceof BomError);
      assert.equal(error.code, 'INVALID_BOM');
      assert.ok(error.errors.some((e: any) => e.instancePath === '/metadata/timestamp'));
      return true;
    });
  });
});
