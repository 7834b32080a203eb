// SPDX 3.0.1 AI-BOM from a hand-made subject: elements by type, the AI/dataset relationships in the right
// direction, hashes in verifiedUsing, a CreationInfo and an SpdxDocument naming every element.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSpdx } from '../../../src/bom/index.ts';
import { spdxSchemaErrors } from '../../support/spdx-schema.ts';
import { ATT, BASE, BASE_CORPUS, CORPUS, EVAL, FOUNDATION, MODEL, TORCH, hex, subject } from './subject-fixture.ts';

const OPTIONS = { timestamp: '2026-11-02T10:00:00.250Z' };

function graphOf(doc: any): { byId: Map<string, any>; all: any[] } {
  const all = doc['@graph'] as any[];
  return { all, byId: new Map(all.filter((e) => e.spdxId).map((e) => [e.spdxId, e])) };
}

function relations(doc: any, type: string): [string, string[]][] {
  const { all, byId } = graphOf(doc);
  const name = (id: string) =>
    byId.get(id)?.software_packageUrl ?? byId.get(id)?.verifiedUsing?.[0]?.hashValue ?? byId.get(id)?.name;
  return all.filter((e) => e.type === 'Relationship' && e.relationshipType === type).map((r) => [name(r.from), r.to.map(name)]);
}

const h = (digest: string) => digest.slice('sha256:'.length);

describe('SPDX 3.0.1 AI-BOM', () => {
  it('has a context, one CreationInfo and an SpdxDocument rooted at the model that lists every element', () => {
    const doc: any = buildSpdx(subject(), OPTIONS);
    assert.equal(doc['@context'], 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld');
    const { all, byId } = graphOf(doc);
    const [creation, document] = all;
    assert.equal(creation.type, 'CreationInfo');
    assert.equal(creation.specVersion, '3.0.1');
    assert.equal(creation.created, '2026-11-02T10:00:00Z', 'SPDX DateTime: UTC, whole seconds');
    assert.equal(byId.get(creation.createdBy[0]).type, 'SoftwareAgent');
    assert.equal(document.type, 'SpdxDocument');
    assert.equal(byId.get(document.rootElement[0]).type, 'ai_AIPackage');
    const ids = all.filter((e) => e.spdxId && e.type !== 'SpdxDocument').map((e) => e.spdxId);
    assert.deepEqual(document.element, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length, 'spdxIds are unique');
    for (const e of all.slice(1)) assert.equal(e.creationInfo, '_:creationinfo');
    for (const r of all.filter((e) => e.type === 'Relationship')) {
      for (const ref of [r.from, ...r.to]) assert.ok(byId.has(ref), `${r.relationshipType} names ${ref}`);
    }
  });

  it('types the model, base models, datasets and packages, with hashes in verifiedUsing', () => {
    const { all } = graphOf(buildSpdx(subject(), OPTIONS));
    const of = (type: string) => all.filter((e) => e.type === type).map((e) => e.verifiedUsing?.[0]?.hashValue ?? e.name);
    assert.deepEqual(of('ai_AIPackage'), [h(MODEL), h(BASE), h(FOUNDATION)]);
    assert.deepEqual(of('dataset_DatasetPackage').sort(), [h(BASE_CORPUS), h(CORPUS), h(EVAL)].sort());
    const model = all.find((e) => e.type === 'ai_AIPackage');
    assert.deepEqual(model.verifiedUsing, [{ type: 'Hash', algorithm: 'sha256', hashValue: hex('a') }]);
    assert.equal(model.software_primaryPurpose, 'model');
    assert.equal(model.software_packageVersion, '1.0.0');
    const corpus = all.find((e) => e.type === 'dataset_DatasetPackage' && e.name === 'support-corpus');
    assert.deepEqual(corpus.dataset_datasetType, ['noAssertion'], 'CycloneDX "dataset" has no SPDX DatasetType');
    assert.equal(corpus.software_downloadLocation, 'https://data.example.com/support-corpus');
    const torch = all.find((e) => e.type === 'software_Package');
    assert.deepEqual([torch.name, torch.software_packageVersion, torch.software_packageUrl], ['torch', '2.5.1', TORCH]);
    const files = all.filter((e) => e.type === 'software_File' && e.name !== 'train.yaml');
    assert.deepEqual(
      files.map((f) => f.verifiedUsing[0].algorithm),
      ['sha256', 'sha384'],
    );
  });

  it('relates them: trainedOn, testedOn, ancestorOf (base → derived), dependsOn (model → packages)', () => {
    const doc = buildSpdx(subject(), OPTIONS);
    assert.deepEqual(relations(doc, 'trainedOn'), [
      [h(MODEL), [h(CORPUS)]],
      [h(BASE), [h(BASE_CORPUS)]],
    ]);
    assert.deepEqual(relations(doc, 'testedOn'), [[h(MODEL), [h(EVAL)]]]);
    assert.deepEqual(relations(doc, 'ancestorOf'), [
      [h(BASE), [h(MODEL)]],
      [h(FOUNDATION), [h(BASE)]],
    ]);
    assert.deepEqual(relations(doc, 'dependsOn'), [[h(MODEL), [TORCH]]]);
    assert.deepEqual(
      relations(doc, 'hasOutput'),
      [['ft-42', [h(MODEL)]]].map(([, to]) => [undefined, to]),
    );
  });

  it('names the evidence of each relationship and declares known licenses', () => {
    const doc: any = buildSpdx(subject(), { ...OPTIONS, baseUrl: 'https://mpg.example.com' });
    const { all, byId } = graphOf(doc);
    const trained = all.find((e) => e.relationshipType === 'trainedOn' && byId.get(e.from).name === 'support-bot');
    assert.deepEqual(trained.externalRef, [
      {
        type: 'ExternalRef',
        externalRefType: 'other',
        locator: [`https://mpg.example.com/v1/attestations/${ATT.slsaTune}`],
        comment: 'verified https://slsa.dev/provenance/v1; signed by ci@example.com (issuer https://issuer.example)',
      },
    ]);
    const licenses = all
      .filter((e) => e.relationshipType === 'hasDeclaredLicense')
      .map((r) => [byId.get(r.from).name, byId.get(r.to[0]).simplelicensing_licenseExpression]);
    assert.deepEqual(licenses.sort(), [
      ['support-bot', 'Apache-2.0'],
      ['support-corpus', 'CC-BY-4.0'],
    ]);
  });

  it('records the run as a build with inputs, output and builder', () => {
    const { all, byId } = graphOf(buildSpdx(subject(), OPTIONS));
    const build = all.find((e) => e.type === 'build_Build');
    assert.deepEqual(
      [build.build_buildId, build.build_buildType, build.build_buildStartTime, build.build_buildEndTime],
      ['ft-42', 'https://ml.example.com/pipelines/fine-tune/v1', '2026-11-01T00:00:00Z', '2026-11-01T06:00:00Z'],
    );
    const inputs = all.find((e) => e.relationshipType === 'hasInput' && e.from === build.spdxId);
    assert.deepEqual(inputs.to.map((id: string) => byId.get(id).type).sort(), [
      'ai_AIPackage',
      'dataset_DatasetPackage',
      'software_File',
      'software_Package',
    ]);
    const output = all.find((e) => e.relationshipType === 'hasOutput' && e.from === build.spdxId);
    assert.deepEqual(output.to, [all.find((e) => e.type === 'ai_AIPackage').spdxId]);
    const invoked = all.find((e) => e.relationshipType === 'invokedBy');
    assert.equal(byId.get(invoked.to[0]).name, 'https://ml.example.com/builders/trainer');
  });

  it('meets the SPDX 3.0.1 JSON Schema, also without a card, files or lineage', () => {
    assert.deepEqual(spdxSchemaErrors(buildSpdx(subject(), OPTIONS)), []);
    assert.deepEqual(spdxSchemaErrors(buildSpdx(subject(), { ...OPTIONS, baseUrl: 'https://mpg.example.com' })), []);
    const bare = subject({
      files: [],
      derivedFrom: [],
      ancestors: [],
      datasets: [],
      packages: [],
      used: [],
      runs: [],
      evaluations: [],
    });
    assert.deepEqual(spdxSchemaErrors(buildSpdx(bare, OPTIONS)), []);
  });

  it('the schema check has teeth: a misspelt property or an unknown relationship type fails it', () => {
    const misspelt: any = buildSpdx(subject(), OPTIONS);
    misspelt['@graph'].find((e: any) => e.type === 'ai_AIPackage').software_packageURL = 'pkg:x/y';
    assert.notDeepEqual(spdxSchemaErrors(misspelt), []);
    const unknown: any = buildSpdx(subject(), OPTIONS);
    unknown['@graph'].find((e: any) => e.type === 'Relationship').relationshipType = 'fineTunedFrom';
    assert.notDeepEqual(spdxSchemaErrors(unknown), []);
  });

  it('is deterministic', () => {
    assert.equal(JSON.stringify(buildSpdx(subject(), OPTIONS)), JSON.stringify(buildSpdx(subject(), OPTIONS)));
  });
});
