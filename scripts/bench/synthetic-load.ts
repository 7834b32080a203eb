// Load steps for the synthetic graph (synthetic-graph.ts): one Cypher statement per node or edge kind, fed rows in
// batches by the caller (query-server.ts), the rows made by synthetic-rows.ts. Every row is built from the graph's deterministic names, digests and choices,
// so the same spec always streams the same rows, in the same order.

import {
  attDigest,
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
  runId,
  runKindOf,
  signerOf,
  tokenizerDigest,
  trainingSetsOf,
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
  named,
  rejectedRow,
  runRow,
} from './synthetic-rows.ts';

export type Row = Record<string, unknown>;

export interface LoadStep {
  readonly name: string;
  /** runs with `$rows`: a batch of rows. */
  readonly cypher: string;
  rows(): Iterable<Row>;
}

/** `also`: fixed Cypher text appended to the SET, for a property a row cannot carry as the type ingest writes. */
const nodeStep = (name: string, labels: string, rows: () => Iterable<Row>, also = ''): LoadStep => ({
  name,
  cypher: `UNWIND $rows AS row CREATE (n:${labels}) SET n = row${also}`,
  rows,
});

const KEY_OF: Record<string, string> = {
  Artifact: 'digest',
  Package: 'purl',
  PipelineRun: 'id',
  Builder: 'id',
  Attestation: 'digest',
  Key: 'fingerprint',
};

/** Endpoints are found through the identity constraints' indexes; the load creates, never merges (a fresh store). */
const edgeStep = (name: string, type: string, from: string, to: string, rows: () => Iterable<Row>): LoadStep => ({
  name,
  cypher: `UNWIND $rows AS row
MATCH (a:${from} {${KEY_OF[from]}: row.from})
MATCH (b:${to} {${KEY_OF[to]}: row.to})
CREATE (a)-[r:${type}]->(b) SET r = row.props`,
  rows,
});

/** Everything the benchmark loads, in order: nodes (identity-indexed by migrations/001) first, then relationships. */
export function loadSteps(spec: GraphSpec): LoadStep[] {
  const pool = fineTuneDatasets(spec);
  const modelInfo = function* () {
    for (const m of models(spec)) {
      const kind = runKindOf(m);
      yield { m, kind, digest: modelDigest(m.id) };
    }
  };
  const datasetInfo = function* () {
    for (const d of datasets(spec)) yield { d, digest: datasetDigest(d.id) };
  };
  const slsa = (id: string): string => attDigest('slsa', id);
  const oms = (id: string): string => attDigest('oms', id);
  const withBom = (id: string): string[] => (hasBom(id) ? [slsa(id), attDigest('bom', id)] : [slsa(id)]);
  const used = named(spec);
  // Ingest stamps the time it first saw an artifact; the load, the time it ran.
  const seen = ', n.firstSeenAt = datetime()';

  return [
    nodeStep('Key', 'Key', function* () {
      for (const k of [...used.keys].sort((a, b) => a - b)) yield { fingerprint: keyFingerprint(k) };
    }),
    nodeStep('Builder', 'Builder', function* () {
      for (const id of [...used.builders].sort()) yield { id };
    }),
    nodeStep('Package', 'Package', function* () {
      for (let p = 0; p < spec.packages; p++)
        for (let v = 0; v < spec.versionsPerPackage; v++)
          if (used.purls.has(purlOf(p, v)))
            yield {
              purl: purlOf(p, v),
              name: packageName(p),
              version: packageVersion(p, v),
              digests: [digestOf(`wheel/${purlOf(p, v)}`)],
            };
    }),
    nodeStep(
      'Dataset',
      'Artifact:Dataset',
      function* () {
        for (const { d, digest } of datasetInfo()) yield { digest, name: d.name, omsSigned: true };
      },
      seen,
    ),
    nodeStep(
      'code Artifact',
      'Artifact',
      function* () {
        for (let i = 0; i < spec.codeArtifacts; i++) if (used.code.has(i)) yield { digest: codeDigest(i), name: codeName(i) };
      },
      seen,
    ),
    nodeStep(
      'Model',
      'Artifact:Model',
      function* () {
        for (const { m, kind, digest } of modelInfo()) yield { digest, name: modelName(m, kind), omsSigned: true };
      },
      seen,
    ),
    // An OMS signature names its files by path on the CONTAINS edge; the file node itself has no name.
    nodeStep(
      'File',
      'Artifact:File',
      function* () {
        for (let f = 0; f < spec.foundations; f++) yield { digest: tokenizerDigest(f) };
        for (const { m } of modelInfo())
          for (const file of modelFiles(m)) if (file.path !== 'tokenizer.json') yield { digest: file.digest };
        for (const { d } of datasetInfo()) for (const file of datasetFiles(d)) yield { digest: file.digest };
      },
      seen,
    ),
    nodeStep('PipelineRun', 'PipelineRun', function* () {
      for (const { m, kind } of modelInfo()) yield { ...runRow(m.id, kind) };
      for (const { d } of datasetInfo()) if (d.parent) yield { ...runRow(d.id, 'preprocessing') };
    }),
    nodeStep(
      'Attestation',
      'Attestation',
      function* () {
        for (const { m, digest } of modelInfo()) {
          yield { ...attestationRow('oms', m.id, digest) };
          yield { ...attestationRow('slsa', m.id, digest) };
          if (hasBom(m.id)) yield { ...attestationRow('bom', m.id, digest) };
          if (evaluatedOn(spec, m.id).length > 0) yield { ...attestationRow('test', m.id, digest) };
          if (hasRejected(m.id)) yield { ...rejectedRow(m.id, digest) };
        }
        for (const { d, digest } of datasetInfo()) {
          yield { ...attestationRow('oms', d.id, digest) };
          if (d.parent) yield { ...attestationRow('slsa', d.id, digest) };
          yield { ...attestationRow('bom', d.id, digest) };
        }
      },
      // Ingest stores the receipt time as a datetime, not as text, and verifiedAt when it decided.
      ', n.receivedAt = datetime(row.receivedAt), n.verifiedAt = datetime(row.receivedAt)',
    ),

    edgeStep('CONTAINS', 'CONTAINS', 'Artifact', 'Artifact', function* () {
      for (const { m, digest } of modelInfo())
        for (const file of modelFiles(m))
          yield { from: digest, to: file.digest, props: { path: file.path, evidence: [oms(m.id)] } };
      for (const { d, digest } of datasetInfo())
        for (const file of datasetFiles(d))
          yield { from: digest, to: file.digest, props: { path: file.path, evidence: [oms(d.id)] } };
    }),
    edgeStep('DERIVED_FROM', 'DERIVED_FROM', 'Artifact', 'Artifact', function* () {
      // Only the provenance says what a model derives from: a CycloneDX BOM lists data and libraries, not base models.
      for (const { m, kind, digest } of modelInfo())
        for (const base of basesOf(spec, m, kind))
          yield { from: digest, to: modelDigest(base.id), props: { how: base.how, evidence: [slsa(m.id)] } };
      for (const { d, digest } of datasetInfo())
        if (d.parent)
          yield { from: digest, to: datasetDigest(d.parent), props: { how: 'preprocessing', evidence: [slsa(d.id)] } };
    }),
    edgeStep('TRAINED_ON', 'TRAINED_ON', 'Artifact', 'Artifact', function* () {
      for (const { m, kind, digest } of modelInfo())
        for (const ds of trainingSetsOf(spec, m, kind, pool))
          // a model's CycloneDX BOM lists its training sets as data components, as the provenance does
          yield { from: digest, to: datasetDigest(ds), props: { evidence: withBom(m.id) } };
    }),
    edgeStep('BUILT_WITH', 'BUILT_WITH', 'Artifact', 'Package', function* () {
      for (const { m, kind, digest } of modelInfo())
        for (const [p, v] of packagesOf(spec, m, kind))
          yield { from: digest, to: purlOf(p as number, v as number), props: { evidence: withBom(m.id) } };
    }),
    edgeStep('USED', 'USED', 'Artifact', 'Artifact', function* () {
      for (const { m, digest } of modelInfo())
        yield {
          from: digest,
          to: codeDigest(codeOf(spec, m.id)),
          props: { role: 'code', evidence: [slsa(m.id)] },
        };
    }),
    edgeStep('EVALUATED_ON', 'EVALUATED_ON', 'Artifact', 'Artifact', function* () {
      for (const { m, digest } of modelInfo())
        for (const e of evaluatedOn(spec, m.id))
          yield {
            from: digest,
            to: datasetDigest(`E${e}`),
            props: { ...evaluation(m.id, e), evidence: [attDigest('test', m.id)] },
          };
    }),
    edgeStep('PRODUCED_BY', 'PRODUCED_BY', 'Artifact', 'PipelineRun', function* () {
      for (const { m, digest } of modelInfo()) yield { from: digest, to: runId(m.id), props: { evidence: [slsa(m.id)] } };
      for (const { d, digest } of datasetInfo())
        if (d.parent) yield { from: digest, to: runId(d.id), props: { evidence: [slsa(d.id)] } };
    }),
    edgeStep('RAN_ON', 'RAN_ON', 'PipelineRun', 'Builder', function* () {
      for (const { m } of modelInfo()) yield { from: runId(m.id), to: builderOf(spec, m.id), props: { evidence: [slsa(m.id)] } };
      for (const { d } of datasetInfo())
        if (d.parent) yield { from: runId(d.id), to: builderOf(spec, d.id), props: { evidence: [slsa(d.id)] } };
    }),
    edgeStep('ATTESTS', 'ATTESTS', 'Attestation', 'Artifact', function* () {
      for (const { m, digest } of modelInfo()) {
        yield { from: oms(m.id), to: digest, props: {} };
        yield { from: slsa(m.id), to: digest, props: {} };
        if (hasBom(m.id)) yield { from: attDigest('bom', m.id), to: digest, props: {} };
        if (evaluatedOn(spec, m.id).length > 0) yield { from: attDigest('test', m.id), to: digest, props: {} };
      }
      for (const { d, digest } of datasetInfo()) {
        yield { from: oms(d.id), to: digest, props: {} };
        if (d.parent) yield { from: slsa(d.id), to: digest, props: {} };
        yield { from: attDigest('bom', d.id), to: digest, props: {} };
      }
    }),
    edgeStep('SIGNED_BY', 'SIGNED_BY', 'Attestation', 'Key', function* () {
      const key = (id: string): string => keyFingerprint(signerOf(spec, id));
      for (const { m } of modelInfo()) {
        yield { from: oms(m.id), to: key(m.id), props: {} };
        yield { from: slsa(m.id), to: key(m.id), props: {} };
        if (hasBom(m.id)) yield { from: attDigest('bom', m.id), to: key(m.id), props: {} };
        if (evaluatedOn(spec, m.id).length > 0)
          yield { from: attDigest('test', m.id), to: keyFingerprint(spec.keys - 1), props: {} };
      }
      for (const { d } of datasetInfo()) {
        yield { from: oms(d.id), to: key(d.id), props: {} };
        if (d.parent) yield { from: slsa(d.id), to: key(d.id), props: {} };
        yield { from: attDigest('bom', d.id), to: key(d.id), props: {} };
      }
    }),
    // Card fields on each card's DESCRIBES edge, as ingest writes them (docs/LINEAGE.md, "Card fields"): a model's
    // CycloneDX BOM names its own model and describes the datasets it lists ({own: false}), so a popular corpus has
    // thousands of incoming DESCRIBES, and every dataset has its own data card (license, source, data type).
    edgeStep('DESCRIBES', 'DESCRIBES', 'Attestation', 'Artifact', function* () {
      const byId = new Map([...datasets(spec)].map((d) => [d.id, d]));
      for (const { m, kind, digest } of modelInfo()) {
        if (!hasBom(m.id)) continue;
        yield { from: attDigest('bom', m.id), to: digest, props: { own: true, name: modelName(m, kind) } };
        for (const ds of trainingSetsOf(spec, m, kind, pool)) {
          const d = byId.get(ds);
          if (d) yield { from: attDigest('bom', m.id), to: datasetDigest(ds), props: { own: false, ...datasetCard(d) } };
        }
      }
      for (const { d, digest } of datasetInfo())
        yield { from: attDigest('bom', d.id), to: digest, props: { own: true, ...datasetCard(d) } };
    }),
  ];
}
