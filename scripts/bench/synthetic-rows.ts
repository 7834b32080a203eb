// What each attestation of the synthetic graph says, row by row: its record, its run, its files, its card and its
// evaluation results. The load (synthetic-load.ts) writes these rows in bulk; the facts (synthetic-facts.ts) are built
// from the same rows, so the two describe one graph.
import {
  attDigest,
  datasets,
  evaluatedOn,
  models,
  packagesOf,
  purlOf,
  runKindOf,
  signerOf,
  builderId,
  fileDigest,
  FOUNDATION_SHARDS,
  MODEL_FILES,
  pick,
  rnd,
  runId,
  tokenizerDigest,
  type DatasetRef,
  type GraphSpec,
  type ModelRef,
  type RunKind,
} from './synthetic-graph.ts';

/** The predicate type of each kind of attestation. */
export const PRED = {
  oms: 'https://model_signing/signature/v1.0',
  slsa: 'https://slsa.dev/provenance/v1',
  bom: 'https://cyclonedx.org/bom',
  test: 'https://in-toto.io/attestation/test-result/v0.1',
} as const;

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
export function named(spec: GraphSpec): { purls: Set<string>; code: Set<number>; builders: Set<string>; keys: Set<number> } {
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
