// The synthetic graph (synthetic-graph.ts) as the facts ingest would extract from its attestations, one
// AttestationFacts per attestation, shaped as the extractors in src/ingest/extract make them (OMS signature, SLSA
// provenance, CycloneDX BOM, test result). The benchmark loads its rows in bulk (synthetic-load.ts), far faster than
// one transaction per attestation; test/integration/synthetic-graph.test.ts writes these facts through the graph's
// own write path and checks that the two graphs are the same, so the load cannot drift from what ingest writes.
import type { ArtifactFact, AttestationFacts, EdgeFact, PackageFact, SignerRef } from '../../src/graph/index.ts';
import * as gen from './synthetic-graph.ts';
import type { DatasetRef, GraphSpec } from './synthetic-graph.ts';
import * as rows from './synthetic-rows.ts';
import type { AttestationRow } from './synthetic-rows.ts';

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
  purl: gen.purlOf(p, v),
  name: gen.packageName(p),
  version: gen.packageVersion(p, v),
  digests,
});

/** Every attestation of the synthetic graph, as facts, in the order the load lists attestations. */
export function* syntheticFacts(spec: GraphSpec): Generator<AttestationFacts> {
  const pool = gen.fineTuneDatasets(spec);
  const byId = new Map([...gen.datasets(spec)].map((d) => [d.id, d]));
  const key = (k: number): SignerRef => ({ kind: 'key', fingerprint: gen.keyFingerprint(k) });
  for (const m of gen.models(spec)) {
    const kind = gen.runKindOf(m);
    const digest = gen.modelDigest(m.id);
    const name = gen.modelName(m, kind);
    const signer = key(gen.signerOf(spec, m.id));
    const from = artifact(digest);
    yield facts(rows.attestationRow('oms', m.id, digest), signer, omsLineage(digest, name, rows.modelFiles(m)));

    const run = rows.runRow(m.id, kind);
    const trainedOn = gen.trainingSetsOf(spec, m, kind, pool);
    const packages = gen.packagesOf(spec, m, kind);
    const code = rows.codeOf(spec, m.id);
    yield facts(rows.attestationRow('slsa', m.id, digest), signer, {
      artifacts: [
        { digest, labels: ['Model'], name },
        ...gen.basesOf(spec, m, kind).map((base): ArtifactFact => ({ digest: gen.modelDigest(base.id), labels: ['Model'] })),
        ...trainedOn.map((ds): ArtifactFact => ({ digest: gen.datasetDigest(ds), labels: ['Dataset'] })),
        { digest: gen.codeDigest(code), labels: [], name: gen.codeName(code) },
      ],
      contains: [],
      attests: [digest],
      runs: [{ ...run, builder: rows.builderOf(spec, m.id) }],
      packages: packages.map(([p, v]) =>
        pkg(p as number, v as number, [gen.digestOf(`wheel/${gen.purlOf(p as number, v as number)}`)]),
      ),
      edges: [
        { type: 'RAN_ON', from: { kind: 'run', id: run.id }, to: { kind: 'builder', id: rows.builderOf(spec, m.id) }, props: {} },
        { type: 'PRODUCED_BY', from, to: { kind: 'run', id: run.id }, props: {} },
        ...gen.basesOf(spec, m, kind).map((base): EdgeFact => ({
          type: 'DERIVED_FROM',
          from,
          to: artifact(gen.modelDigest(base.id)),
          props: { how: kind },
        })),
        ...trainedOn.map((ds): EdgeFact => ({ type: 'TRAINED_ON', from, to: artifact(gen.datasetDigest(ds)), props: {} })),
        ...packages.map(([p, v]): EdgeFact => ({
          type: 'BUILT_WITH',
          from,
          to: { kind: 'package', purl: gen.purlOf(p as number, v as number) },
          props: {},
        })),
        { type: 'USED', from, to: artifact(gen.codeDigest(code)), props: { role: 'code' } },
      ],
    });

    if (gen.hasBom(m.id)) {
      // The model's card, its training sets as data components (each with its card), its libraries by purl.
      const listed = gen.trainingSetsOf(spec, m, kind, pool).flatMap((ds) => byId.get(ds) ?? []);
      yield facts(rows.attestationRow('bom', m.id, digest), signer, {
        artifacts: [
          { digest, labels: ['Model'], name },
          ...listed.map((d): ArtifactFact => ({ digest: gen.datasetDigest(d.id), labels: ['Dataset'], name: d.name })),
        ],
        contains: [],
        attests: [digest],
        cards: [
          { digest, fields: { name }, own: true },
          ...listed.map((d) => ({ digest: gen.datasetDigest(d.id), fields: rows.datasetCard(d), own: false })),
        ],
        packages: packages.map(([p, v]) => pkg(p as number, v as number, [])),
        edges: [
          ...listed.map((d): EdgeFact => ({ type: 'TRAINED_ON', from, to: artifact(gen.datasetDigest(d.id)), props: {} })),
          ...packages.map(([p, v]): EdgeFact => ({
            type: 'BUILT_WITH',
            from,
            to: { kind: 'package', purl: gen.purlOf(p as number, v as number) },
            props: {},
          })),
        ],
      });
    }

    const evaluations = gen.evaluatedOn(spec, m.id);
    if (evaluations.length > 0) {
      // One test-result attestation per model, signed by the evaluation service's key, one result per eval set.
      yield facts(rows.attestationRow('test', m.id, digest), key(spec.keys - 1), {
        artifacts: [
          { digest, labels: ['Model'], name },
          ...evaluations.map((e): ArtifactFact => ({ digest: gen.datasetDigest(`E${e}`), labels: ['Dataset'] })),
        ],
        contains: [],
        attests: [digest],
        edges: evaluations.map((e): EdgeFact => ({
          type: 'EVALUATED_ON',
          from,
          to: artifact(gen.datasetDigest(`E${e}`)),
          props: rows.evaluation(m.id, e),
        })),
      });
    }

    if (gen.hasRejected(m.id)) yield facts(rows.rejectedRow(m.id, digest), null, { artifacts: [], contains: [], attests: [] });
  }

  for (const d of gen.datasets(spec)) yield* datasetFacts(spec, d);
}

function* datasetFacts(spec: GraphSpec, d: DatasetRef): Generator<AttestationFacts> {
  const digest = gen.datasetDigest(d.id);
  const signer: SignerRef = { kind: 'key', fingerprint: gen.keyFingerprint(gen.signerOf(spec, d.id)) };
  yield facts(rows.attestationRow('oms', d.id, digest), signer, omsLineage(digest, d.name, rows.datasetFiles(d)));
  if (d.parent) {
    const run = rows.runRow(d.id, 'preprocessing');
    const from = artifact(digest);
    yield facts(rows.attestationRow('slsa', d.id, digest), signer, {
      artifacts: [
        { digest, labels: ['Dataset'], name: d.name },
        { digest: gen.datasetDigest(d.parent), labels: ['Dataset'] },
      ],
      contains: [],
      attests: [digest],
      runs: [{ ...run, builder: rows.builderOf(spec, d.id) }],
      edges: [
        { type: 'RAN_ON', from: { kind: 'run', id: run.id }, to: { kind: 'builder', id: rows.builderOf(spec, d.id) }, props: {} },
        { type: 'PRODUCED_BY', from, to: { kind: 'run', id: run.id }, props: {} },
        { type: 'DERIVED_FROM', from, to: artifact(gen.datasetDigest(d.parent)), props: { how: 'preprocessing' } },
      ],
    });
  }
  yield facts(rows.attestationRow('bom', d.id, digest), signer, {
    artifacts: [{ digest, labels: ['Dataset'], name: d.name }],
    contains: [],
    attests: [digest],
    cards: [{ digest, fields: rows.datasetCard(d), own: true }],
  });
}
