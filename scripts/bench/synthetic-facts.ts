// The synthetic graph (synthetic-graph.ts) as the facts ingest would extract from its attestations, one
// AttestationFacts per attestation, shaped as the extractors in src/ingest/extract make them (OMS signature, SLSA
// provenance, CycloneDX BOM, test result). The benchmark loads its rows in bulk (synthetic-load.ts), far faster than
// one transaction per attestation; test/integration/synthetic-graph.test.ts writes these facts through the graph's
// own write path and checks that the two graphs are the same, so the load cannot drift from what ingest writes.
import type { ArtifactFact, AttestationFacts, EdgeFact, PackageFact, SignerRef } from '../../src/graph/index.ts';
import {
  basesOf,
  codeDigest,
  codeName,
  datasetDigest,
  datasets,
  digestOf,
  evaluatedOn,
  fineTuneDatasets,
  hasBom,
  hasRejected,
  keyFingerprint,
  modelDigest,
  modelName,
  models,
  packageName,
  packagesOf,
  packageVersion,
  purlOf,
  runKindOf,
  signerOf,
  trainingSetsOf,
  type DatasetRef,
  type GraphSpec,
} from './synthetic-graph.ts';
import {
  attestationRow,
  builderOf,
  codeOf,
  datasetCard,
  datasetFiles,
  evaluation,
  modelFiles,
  rejectedRow,
  runRow,
  type AttestationRow,
} from './synthetic-rows.ts';

type Lineage = Omit<AttestationFacts, 'attestation'>;

const artifact = (digest: string): EdgeFact['to'] => ({ kind: 'artifact', digest });

function facts(row: AttestationRow, signer: SignerRef | null, lineage: Lineage): AttestationFacts {
  return {
    attestation: { ...row, signer, document: '' },
    ...lineage,
  };
}

/** An OMS signature of `digest`: the root, each file it contains by path. */
function omsLineage(digest: string, name: string, files: readonly { path: string; digest: string }[]): Lineage {
  return {
    artifacts: [
      { digest, labels: ['SignedRoot'], name },
      ...files.map((file): ArtifactFact => ({ digest: file.digest, labels: ['File'] })),
    ],
    contains: files.map((file) => ({ parent: digest, child: file.digest, path: file.path })),
    attests: [digest],
  };
}

const pkg = (p: number, v: number, digests: readonly string[]): PackageFact => ({
  purl: purlOf(p, v),
  name: packageName(p),
  version: packageVersion(p, v),
  digests,
});

/** Every attestation of the synthetic graph, as facts, in the order the load lists attestations. */
export function* syntheticFacts(spec: GraphSpec): Generator<AttestationFacts> {
  const pool = fineTuneDatasets(spec);
  const byId = new Map([...datasets(spec)].map((d) => [d.id, d]));
  const key = (k: number): SignerRef => ({ kind: 'key', fingerprint: keyFingerprint(k) });
  for (const m of models(spec)) {
    const kind = runKindOf(m);
    const digest = modelDigest(m.id);
    const name = modelName(m, kind);
    const signer = key(signerOf(spec, m.id));
    const from = artifact(digest);
    yield facts(attestationRow('oms', m.id, digest), signer, omsLineage(digest, name, modelFiles(m)));

    const run = runRow(m.id, kind);
    const trainedOn = trainingSetsOf(spec, m, kind, pool);
    const packages = packagesOf(spec, m, kind);
    const code = codeOf(spec, m.id);
    yield facts(attestationRow('slsa', m.id, digest), signer, {
      artifacts: [
        { digest, labels: ['Model'], name },
        ...basesOf(spec, m, kind).map((base): ArtifactFact => ({ digest: modelDigest(base.id), labels: ['Model'] })),
        ...trainedOn.map((ds): ArtifactFact => ({ digest: datasetDigest(ds), labels: ['Dataset'] })),
        { digest: codeDigest(code), labels: [], name: codeName(code) },
      ],
      contains: [],
      attests: [digest],
      runs: [{ ...run, builder: builderOf(spec, m.id) }],
      packages: packages.map(([p, v]) => pkg(p as number, v as number, [digestOf(`wheel/${purlOf(p as number, v as number)}`)])),
      edges: [
        { type: 'RAN_ON', from: { kind: 'run', id: run.id }, to: { kind: 'builder', id: builderOf(spec, m.id) }, props: {} },
        { type: 'PRODUCED_BY', from, to: { kind: 'run', id: run.id }, props: {} },
        ...basesOf(spec, m, kind).map((base): EdgeFact => ({
          type: 'DERIVED_FROM',
          from,
          to: artifact(modelDigest(base.id)),
          props: { how: kind },
        })),
        ...trainedOn.map((ds): EdgeFact => ({ type: 'TRAINED_ON', from, to: artifact(datasetDigest(ds)), props: {} })),
        ...packages.map(([p, v]): EdgeFact => ({
          type: 'BUILT_WITH',
          from,
          to: { kind: 'package', purl: purlOf(p as number, v as number) },
          props: {},
        })),
        { type: 'USED', from, to: artifact(codeDigest(code)), props: { role: 'code' } },
      ],
    });

    if (hasBom(m.id)) {
      // The model's card, its training sets as data components (each with its card), its libraries by purl.
      const listed = trainingSetsOf(spec, m, kind, pool).flatMap((ds) => byId.get(ds) ?? []);
      yield facts(attestationRow('bom', m.id, digest), signer, {
        artifacts: [
          { digest, labels: ['Model'], name },
          ...listed.map((d): ArtifactFact => ({ digest: datasetDigest(d.id), labels: ['Dataset'], name: d.name })),
        ],
        contains: [],
        attests: [digest],
        cards: [
          { digest, fields: { name }, own: true },
          ...listed.map((d) => ({ digest: datasetDigest(d.id), fields: datasetCard(d), own: false })),
        ],
        packages: packages.map(([p, v]) => pkg(p as number, v as number, [])),
        edges: [
          ...listed.map((d): EdgeFact => ({ type: 'TRAINED_ON', from, to: artifact(datasetDigest(d.id)), props: {} })),
          ...packages.map(([p, v]): EdgeFact => ({
            type: 'BUILT_WITH',
            from,
            to: { kind: 'package', purl: purlOf(p as number, v as number) },
            props: {},
          })),
        ],
      });
    }

    const evaluations = evaluatedOn(spec, m.id);
    if (evaluations.length > 0) {
      // One test-result attestation per model, signed by the evaluation service's key, one result per eval set.
      yield facts(attestationRow('test', m.id, digest), key(spec.keys - 1), {
        artifacts: [
          { digest, labels: ['Model'], name },
          ...evaluations.map((e): ArtifactFact => ({ digest: datasetDigest(`E${e}`), labels: ['Dataset'] })),
        ],
        contains: [],
        attests: [digest],
        edges: evaluations.map((e): EdgeFact => ({
          type: 'EVALUATED_ON',
          from,
          to: artifact(datasetDigest(`E${e}`)),
          props: evaluation(m.id, e),
        })),
      });
    }

    if (hasRejected(m.id)) yield facts(rejectedRow(m.id, digest), null, { artifacts: [], contains: [], attests: [] });
  }

  for (const d of datasets(spec)) yield* datasetFacts(spec, d);
}

function* datasetFacts(spec: GraphSpec, d: DatasetRef): Generator<AttestationFacts> {
  const digest = datasetDigest(d.id);
  const signer: SignerRef = { kind: 'key', fingerprint: keyFingerprint(signerOf(spec, d.id)) };
  yield facts(attestationRow('oms', d.id, digest), signer, omsLineage(digest, d.name, datasetFiles(d)));
  if (d.parent) {
    const run = runRow(d.id, 'preprocessing');
    const from = artifact(digest);
    yield facts(attestationRow('slsa', d.id, digest), signer, {
      artifacts: [
        { digest, labels: ['Dataset'], name: d.name },
        { digest: datasetDigest(d.parent), labels: ['Dataset'] },
      ],
      contains: [],
      attests: [digest],
      runs: [{ ...run, builder: builderOf(spec, d.id) }],
      edges: [
        { type: 'RAN_ON', from: { kind: 'run', id: run.id }, to: { kind: 'builder', id: builderOf(spec, d.id) }, props: {} },
        { type: 'PRODUCED_BY', from, to: { kind: 'run', id: run.id }, props: {} },
        { type: 'DERIVED_FROM', from, to: artifact(datasetDigest(d.parent)), props: { how: 'preprocessing' } },
      ],
    });
  }
  yield facts(attestationRow('bom', d.id, digest), signer, {
    artifacts: [{ digest, labels: ['Dataset'], name: d.name }],
    contains: [],
    attests: [digest],
    cards: [{ digest, fields: datasetCard(d), own: true }],
  });
}
