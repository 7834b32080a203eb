// Load steps for the synthetic graph (synthetic-graph.ts): one Cypher statement per node or edge kind, fed rows in
// batches by the caller (query-server.ts). Every row is built from the graph's deterministic names, digests and choices,
// so the same spec always streams the same rows, in the same order.

import {
  attDigest,
  basesOf,
  builderId,
  codeDigest,
  codeName,
  datasetDigest,
  datasets,
  digestOf,
  evaluatedOn,
  fileDigest,
  fineTuneDatasets,
  FOUNDATION_SHARDS,
  hasBom,
  hasRejected,
  keyFingerprint,
  MODEL_FILES,
  modelDigest,
  modelName,
  models,
  packageName,
  packagesOf,
  packageVersion,
  pick,
  purlOf,
  rnd,
  runId,
  runKindOf,
  signerOf,
  tokenizerDigest,
  trainingSetsOf,
  type DatasetRef,
  type GraphSpec,
  type ModelRef,
  type RunKind,
} from './synthetic-graph.ts';

/** The predicate type of each kind of attestation. */
const PRED = {
  oms: 'https://model_signing/signature/v1.0',
  slsa: 'https://slsa.dev/provenance/v1',
  bom: 'https://cyclonedx.org/bom',
  test: 'https://in-toto.io/attestation/test-result/v0.1',
} as const;

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

const RECEIVED = Date.UTC(2026, 0, 1);
const when = (key: string): string => new Date(RECEIVED + Math.floor(rnd(`t/${key}`) * 300 * 86_400_000)).toISOString();

export type AttestationKind = keyof typeof PRED;

export interface AttestationRow {
  digest: string;
  predicateType: string;
  status: 'verified' | 'rejected';
  method: string | null;
  reasonCode: string | null;
  reason: string | null;
  origin: string;
  collector: string;
  receivedAt: string;
  claimedSubjects: string[];
}

/** The attestation of `kind` about `subject` (a model or dataset id) whose digest is `subjectDigest`. */
export function attestationRow(kind: AttestationKind, subject: string, subjectDigest: string): AttestationRow {
  return {
    digest: attDigest(kind, subject),
    predicateType: PRED[kind],
    status: 'verified',
    method: 'key',
    reasonCode: null,
    reason: null,
    origin: `https://models.example.com/${subject}`,
    collector: 'bench',
    receivedAt: when(`${kind}/${subject}`),
    claimedSubjects: [subjectDigest],
  };
}

/** The extra provenance of `model` that failed verification: recorded, linked to nothing. */
export function rejectedRow(model: string, subjectDigest: string): AttestationRow {
  return {
    ...attestationRow('slsa', `${model}/rejected`, subjectDigest),
    status: 'rejected',
    method: null,
    reasonCode: 'SIGNATURE_INVALID',
    reason: 'signature does not verify under the trusted key',
  };
}

export interface RunRow {
  id: string;
  runKind: RunKind;
  buildType: string;
  startedOn: string;
  finishedOn: string;
  externalParameters: string;
}

/** The pipeline run that produced `subject`. */
export function runRow(subject: string, kind: RunKind): RunRow {
  const started = when(`run/${subject}`);
  return {
    id: runId(subject),
    runKind: kind,
    buildType: `https://ml.example.com/${kind}/v1`,
    startedOn: started,
    finishedOn: new Date(Date.parse(started) + 3_600_000 * (1 + pick(`hours/${subject}`, 48))).toISOString(),
    externalParameters: JSON.stringify({ runKind: kind, learningRate: 2e-5, epochs: 1 + pick(`ep/${subject}`, 3) }),
  };
}

/** The builder `subject`'s run ran on. */
export const builderOf = (spec: GraphSpec, subject: string): string => builderId(pick(`builder/${subject}`, spec.builders));

/** The training-code commit a model's run used. */
export const codeOf = (spec: GraphSpec, model: string): number => pick(`code/${model}`, spec.codeArtifacts);

/** What a model's evaluation on eval set `e` found, and where the report is. */
export function evaluation(model: string, e: number): { result: string; url: string } {
  return { result: rnd(`pass/${model}/${e}`) < 0.8 ? 'PASSED' : 'FAILED', url: `https://evals.example.com/${model}/${e}` };
}

/** A dataset's own data card: the fields its CycloneDX BOM gives (docs/LINEAGE.md, "Card fields"). */
export function datasetCard(d: DatasetRef): Record<string, string> {
  return {
    name: d.name,
    license: ['cc-by-4.0', 'apache-2.0', 'odc-by', 'mit'][pick(`lic/${d.id}`, 4)] as string,
    sourceUrl: `https://data.example.com/${d.name}`,
    datasetType: d.eval ? 'evaluation' : 'text',
  };
}

/** The files a model's OMS signature lists (a family shares its tokenizer). */
export function modelFiles(m: ModelRef): { path: string; digest: string }[] {
  const paths =
    m.position === 0
      ? [
          'config.json',
          'generation_config.json',
          ...Array.from(
            { length: FOUNDATION_SHARDS },
            (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-000${FOUNDATION_SHARDS}.safetensors`,
          ),
        ]
      : MODEL_FILES;
  return [
    ...paths.map((path) => ({ path, digest: fileDigest(m.id, path) })),
    { path: 'tokenizer.json', digest: tokenizerDigest(m.foundation) },
  ];
}

/** The files a dataset's OMS signature lists. */
export function datasetFiles(d: DatasetRef): { path: string; digest: string }[] {
  const n = 1 + pick(`shards/${d.id}`, 2);
  return Array.from({ length: n }, (_, i) => {
    const path = `data/${d.eval ? 'test' : 'train'}-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.parquet`;
    return { path, digest: fileDigest(d.id, path) };
  });
}

/**
 * The packages, code commits, builders and keys some attestation names: ingest creates a node only for what a
 * document names, so the load does too.
 */
function named(spec: GraphSpec): { purls: Set<string>; code: Set<number>; builders: Set<string>; keys: Set<number> } {
  const purls = new Set<string>();
  const code = new Set<number>();
  const builders = new Set<string>();
  const keys = new Set<number>();
  for (const m of models(spec)) {
    for (const [p, v] of packagesOf(spec, m, runKindOf(m))) purls.add(purlOf(p as number, v as number));
    code.add(codeOf(spec, m.id));
    builders.add(builderOf(spec, m.id));
    keys.add(signerOf(spec, m.id));
    if (evaluatedOn(spec, m.id).length > 0) keys.add(spec.keys - 1);
  }
  for (const d of datasets(spec)) {
    if (d.parent) builders.add(builderOf(spec, d.id));
    keys.add(signerOf(spec, d.id));
  }
  return { purls, code, builders, keys };
}

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
        for (const { m, kind, digest } of modelInfo())
          yield { digest, name: modelName(m, kind), declaredModel: true, omsSigned: true };
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
