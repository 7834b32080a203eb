// A deterministic synthetic lineage graph for the query benchmark, shaped as docs/LINEAGE.md describes what ingest
// writes: foundation models fine-tuned, quantized, distilled and converted in chains, datasets with preprocessed
// derivatives, packages by purl and version, OMS-signed files, pipeline runs on builders, and an Attestation node
// behind every edge (its digest in the edge's `evidence`, ATTESTS its subject, SIGNED_BY one of a few keys).
//
// Every digest is the sha256 of a seed string and every choice a hash of the entity's name, so the same spec always
// yields the same graph, in any order, without keeping it in memory: `loadSteps` streams rows per node or edge kind.
//
// Shape at scale 1 (about 1.03 M nodes, 2.1 M relationships):
//   10 foundations × 1,000 branches × chains of 10 derived models (+ ~5 % quantized side leaves, ~1 % merges that
//   also derive from another family's model) → ~104,500 models, each foundation with ≥ 10,000 descendants;
//   3,000 raw datasets with 0–3 preprocessed derivatives each, picked by fine-tunes with a long-tailed popularity;
//   20 pretraining corpora (each foundation trains on three, corpus 0 on five foundations: the big fan-out case);
//   60 evaluation sets; 300 packages × 8 versions; 2,000 training-code commits; 5 unique files per model plus a
//   tokenizer shared across a family; 8 builders; 4 signing keys; ~2 % extra rejected attestations linked to nothing.

import { createHash } from 'node:crypto';

export const GENERATOR_VERSION = 1;

export interface GraphSpec {
  readonly foundations: number;
  readonly branchesPerFoundation: number;
  readonly chainLength: number;
  readonly rawDatasets: number;
  readonly pretrainingCorpora: number;
  readonly evalDatasets: number;
  readonly packages: number;
  readonly versionsPerPackage: number;
  readonly codeArtifacts: number;
  readonly builders: number;
  readonly keys: number;
}

export const SPEC: GraphSpec = {
  foundations: 10,
  branchesPerFoundation: 1000,
  chainLength: 10,
  rawDatasets: 3000,
  pretrainingCorpora: 20,
  evalDatasets: 60,
  packages: 300,
  versionsPerPackage: 8,
  codeArtifacts: 2000,
  builders: 8,
  keys: 4,
};

/** A smaller graph of the same shape (for trying the benchmark out); branches and datasets scale, depth does not. */
export function scaledSpec(scale: number): GraphSpec {
  if (scale === 1) return SPEC;
  return {
    ...SPEC,
    branchesPerFoundation: Math.max(1, Math.round(SPEC.branchesPerFoundation * scale)),
    rawDatasets: Math.max(SPEC.pretrainingCorpora + 10, Math.round(SPEC.rawDatasets * scale)),
    codeArtifacts: Math.max(10, Math.round(SPEC.codeArtifacts * scale)),
  };
}

/** Identifies a loaded graph: a different spec or generator version means a reload. */
export function specHash(spec: GraphSpec): string {
  return createHash('sha256')
    .update(JSON.stringify({ GENERATOR_VERSION, ...spec }))
    .digest('hex')
    .slice(0, 16);
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic choices

/** `sha256:<hex>` of a seed string. */
export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/** A uniform number in [0, 1) from a string: FNV-1a then murmur3's finaliser. Cheap enough to call millions of times. */
function rnd(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

const pick = (key: string, n: number): number => Math.floor(rnd(key) * n);

// ---------------------------------------------------------------------------------------------------------------
// Entities

const FAMILIES = ['llama', 'mistral', 'qwen', 'gemma', 'phi', 'falcon', 'olmo', 'mpt', 'bloom', 'pythia', 'granite', 'yi'];
const SIZES = ['1b', '3b', '7b', '8b', '13b', '70b'];
const KNOWN_PACKAGES = [
  'torch',
  'transformers',
  'peft',
  'accelerate',
  'bitsandbytes',
  'auto-gptq',
  'onnx',
  'optimum',
  'llama-cpp-python',
  'trl',
  'datasets',
  'tokenizers',
  'safetensors',
  'numpy',
  'deepspeed',
  'flash-attn',
  'vllm',
  'sentencepiece',
  'onnxruntime',
  'jax',
  'flax',
  'tensorflow',
  'keras',
  'scikit-learn',
  'pandas',
  'pyarrow',
  'triton',
  'xformers',
  'einops',
  'huggingface-hub',
];
const EVAL_NAMES = [
  'mmlu',
  'hellaswag',
  'arc-challenge',
  'truthfulqa',
  'gsm8k',
  'humaneval',
  'winogrande',
  'mbpp',
  'bbh',
  'ifeval',
];
const MODEL_FILES = [
  'config.json',
  'generation_config.json',
  'model-00001-of-00002.safetensors',
  'model-00002-of-00002.safetensors',
  'special_tokens_map.json',
];
const FOUNDATION_SHARDS = 10;
type RunKind = 'training' | 'preprocessing' | 'fine-tune' | 'quantization' | 'conversion' | 'distillation';

const PRED = {
  oms: 'https://model_signing/signature/v1.0',
  slsa: 'https://slsa.dev/provenance/v1',
  bom: 'https://cyclonedx.org/bom',
  test: 'https://in-toto.io/attestation/test-result/v0.1',
} as const;

export interface ModelRef {
  /** a stable name of the entity: `F3`, `F3/B17/6`, `F3/B17/6/q`. */
  readonly id: string;
  readonly foundation: number;
  readonly branch: number;
  /** 0 for a foundation, 1..chainLength along a chain; a side leaf has its parent's position + 1. */
  readonly position: number;
  readonly side: boolean;
}

const foundationName = (f: number): string =>
  `${FAMILIES[f % FAMILIES.length]}-${Math.floor(f / FAMILIES.length) + 2}-${SIZES[f % SIZES.length]}`;

export const modelDigest = (id: string): string => digestOf(`model/${id}`);
const fileDigest = (owner: string, path: string): string => digestOf(`file/${owner}/${path}`);
const tokenizerDigest = (f: number): string => digestOf(`file/tokenizer/F${f}`);
export const datasetDigest = (id: string): string => digestOf(`dataset/${id}`);
const codeDigest = (i: number): string => digestOf(`code/${i}`);
const attDigest = (kind: string, subject: string): string => digestOf(`attestation/${kind}/${subject}`);
const keyFingerprint = (k: number): string => digestOf(`key/${k}`).slice('sha256:'.length);
const builderId = (b: number): string => `https://ci.example.com/builders/gpu-pool-${b}`;
const runId = (subject: string): string => `https://ci.example.com/runs/${digestOf(`run/${subject}`).slice(7, 31)}`;

function packageName(p: number): string {
  return KNOWN_PACKAGES[p] ?? `ml-lib-${p}`;
}
function packageVersion(p: number, v: number): string {
  return `${1 + (p % 3)}.${v + 1}.${(p + v) % 3}`;
}
const purlOf = (p: number, v: number): string => `pkg:pypi/${packageName(p)}@${packageVersion(p, v)}`;
/** the package's version some model uses: a recent one is more likely. */
const versionFor = (spec: GraphSpec, key: string): number =>
  spec.versionsPerPackage - 1 - Math.floor(rnd(key) ** 2 * spec.versionsPerPackage);

const signerOf = (spec: GraphSpec, subject: string): number =>
  rnd(`key/${subject}`) < 0.7 ? 0 : 1 + pick(`key2/${subject}`, spec.keys - 1);

function runKindOf(m: ModelRef): RunKind {
  if (m.position === 0) return 'training';
  if (m.side) return 'quantization';
  if (m.position === 1) return 'fine-tune';
  const u = rnd(`kind/${m.id}`);
  return u < 0.45 ? 'fine-tune' : u < 0.7 ? 'quantization' : u < 0.85 ? 'conversion' : 'distillation';
}

function modelName(m: ModelRef, kind: RunKind): string {
  const base = foundationName(m.foundation);
  if (m.position === 0) return base;
  const suffix: Record<RunKind, string> = {
    'fine-tune': 'ft',
    quantization: 'int4',
    conversion: 'gguf',
    distillation: 'distill',
    training: '',
    preprocessing: '',
  };
  return `${base}-b${m.branch}-${m.position}${m.side ? 'q' : ''}-${suffix[kind]}`;
}

/** Every model: foundations first, then chains in order, each side leaf right after its parent. */
export function* models(spec: GraphSpec): Generator<ModelRef> {
  for (let f = 0; f < spec.foundations; f++) yield { id: `F${f}`, foundation: f, branch: -1, position: 0, side: false };
  for (let f = 0; f < spec.foundations; f++) {
    for (let b = 0; b < spec.branchesPerFoundation; b++) {
      for (let pos = 1; pos <= spec.chainLength; pos++) {
        const id = `F${f}/B${b}/${pos}`;
        yield { id, foundation: f, branch: b, position: pos, side: false };
        // A side leaf stays within chainLength hops of the foundation.
        if (pos < spec.chainLength && rnd(`side/${id}`) < 0.05)
          yield { id: `${id}/q`, foundation: f, branch: b, position: pos + 1, side: true };
      }
    }
  }
}

/** The models `m` derives from, with how. */
function basesOf(spec: GraphSpec, m: ModelRef, kind: RunKind): { id: string; how: string }[] {
  if (m.position === 0) return [];
  if (m.side) return [{ id: m.id.slice(0, -2), how: kind }];
  const parent = m.position === 1 ? `F${m.foundation}` : `F${m.foundation}/B${m.branch}/${m.position - 1}`;
  const bases = [{ id: parent, how: kind }];
  // A merge: also derived from a model of another family, at most as deep as this one's parent.
  if (spec.foundations > 1 && m.position >= 2 && rnd(`merge/${m.id}`) < 0.01) {
    const other = (m.foundation + 1 + pick(`mergef/${m.id}`, spec.foundations - 1)) % spec.foundations;
    const branch = pick(`mergeb/${m.id}`, spec.branchesPerFoundation);
    const position = 1 + pick(`mergep/${m.id}`, m.position - 1);
    bases.push({ id: `F${other}/B${branch}/${position}`, how: 'fine-tune' });
  }
  return bases;
}

// Datasets: raw `R<i>` with a chain of preprocessed derivatives `R<i>/d1..d<n>`, and evaluation sets `E<i>`.
function derivedCount(spec: GraphSpec, raw: number): number {
  return raw < spec.pretrainingCorpora ? 1 + pick(`derived/R${raw}`, 2) : pick(`derived/R${raw}`, 4);
}

interface DatasetRef {
  readonly id: string;
  readonly parent: string | null;
  readonly name: string;
  readonly eval: boolean;
}

function* datasets(spec: GraphSpec): Generator<DatasetRef> {
  for (let i = 0; i < spec.rawDatasets; i++) {
    const base = i < spec.pretrainingCorpora ? `web-corpus-${i}` : `corpus-${i}`;
    yield { id: `R${i}`, parent: null, name: base, eval: false };
    const n = derivedCount(spec, i);
    for (let j = 1; j <= n; j++) {
      yield {
        id: `R${i}/d${j}`,
        parent: j === 1 ? `R${i}` : `R${i}/d${j - 1}`,
        name: `${base}-${['dedup', 'filtered', 'tokenized'][j - 1]}`,
        eval: false,
      };
    }
  }
  for (let i = 0; i < spec.evalDatasets; i++) {
    yield {
      id: `E${i}`,
      parent: null,
      name: `${EVAL_NAMES[i % EVAL_NAMES.length]}-${Math.floor(i / EVAL_NAMES.length)}`,
      eval: true,
    };
  }
}

/** Datasets fine-tunes pick from (not the pretraining corpora), in popularity order. */
function fineTuneDatasets(spec: GraphSpec): string[] {
  const list: string[] = [];
  for (const d of datasets(spec)) {
    if (d.eval) continue;
    const raw = Number(/^R(\d+)/.exec(d.id)?.[1]);
    if (raw >= spec.pretrainingCorpora) list.push(d.id);
  }
  return list;
}

/** What a model was trained on: pretraining corpora for a foundation, long-tailed popular datasets for fine-tunes. */
function trainingSetsOf(spec: GraphSpec, m: ModelRef, kind: RunKind, pool: readonly string[]): string[] {
  if (m.position === 0) {
    // Corpus 0 feeds half the foundations (the big fan-out case); each trains on the first derivative (dedup).
    const corpora = new Set<number>();
    if (m.foundation % 2 === 0) corpora.add(0);
    for (let i = 0; corpora.size < 3; i++) corpora.add(1 + pick(`corpus/${m.id}/${i}`, spec.pretrainingCorpora - 1));
    return [...corpora].map((c) => `R${c}/d1`);
  }
  if (kind !== 'fine-tune' && kind !== 'distillation') return [];
  const n = kind === 'fine-tune' && rnd(`two/${m.id}`) < 0.3 ? 2 : 1;
  const chosen = new Set<string>();
  for (let i = 0; i < n; i++) chosen.add(pool[Math.floor(rnd(`ds/${m.id}/${i}`) ** 2 * pool.length)] as string);
  return [...chosen];
}

function packagesOf(spec: GraphSpec, m: ModelRef, kind: RunKind): number[][] {
  const out: number[][] = [];
  const use = (p: number): void => {
    if (p < spec.packages) out.push([p, versionFor(spec, `ver/${m.id}/${p}`)]);
  };
  use(0); // torch
  use(1); // transformers
  switch (kind) {
    case 'fine-tune':
      if (rnd(`peft/${m.id}`) < 0.6) use(2);
      if (rnd(`acc/${m.id}`) < 0.5) use(3);
      break;
    case 'quantization':
      use(rnd(`q/${m.id}`) < 0.6 ? 4 : 5);
      break;
    case 'conversion':
      use(6 + pick(`conv/${m.id}`, 3));
      break;
    case 'distillation':
      use(9);
      break;
    default:
      use(14); // deepspeed for pretraining
  }
  if (rnd(`tail/${m.id}`) < 0.5) use(KNOWN_PACKAGES.length + pick(`tailp/${m.id}`, spec.packages - KNOWN_PACKAGES.length));
  return out;
}

const evaluatedOn = (spec: GraphSpec, id: string): number[] =>
  rnd(`eval/${id}`) < 0.3 ? [...new Set([pick(`e1/${id}`, spec.evalDatasets), pick(`e2/${id}`, spec.evalDatasets)])] : [];
const hasBom = (id: string): boolean => rnd(`bom/${id}`) < 0.1;
const hasRejected = (id: string): boolean => rnd(`rejected/${id}`) < 0.02;

// ---------------------------------------------------------------------------------------------------------------
// Load steps: one Cypher statement per node or edge kind, fed rows in batches by the caller.

export type Row = Record<string, unknown>;

export interface LoadStep {
  readonly name: string;
  /** runs with `$rows`: a batch of rows. */
  readonly cypher: string;
  rows(): Iterable<Row>;
}

const nodeStep = (name: string, labels: string, rows: () => Iterable<Row>): LoadStep => ({
  name,
  cypher: `UNWIND $rows AS row CREATE (n:${labels}) SET n = row`,
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

type AttestationRow = {
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
};

function attestation(kind: keyof typeof PRED, subject: string, subjectDigest: string): AttestationRow {
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
  const filesOf = (m: ModelRef): { path: string; digest: string }[] => {
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
  };
  const datasetFiles = (d: DatasetRef): { path: string; digest: string }[] => {
    const n = 1 + pick(`shards/${d.id}`, 2);
    return Array.from({ length: n }, (_, i) => {
      const path = `data/${d.eval ? 'test' : 'train'}-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.parquet`;
      return { path, digest: fileDigest(d.id, path) };
    });
  };

  return [
    nodeStep('Key', 'Key', function* () {
      for (let k = 0; k < spec.keys; k++) yield { fingerprint: keyFingerprint(k) };
    }),
    nodeStep('Builder', 'Builder', function* () {
      for (let b = 0; b < spec.builders; b++) yield { id: builderId(b) };
    }),
    nodeStep('Package', 'Package', function* () {
      for (let p = 0; p < spec.packages; p++)
        for (let v = 0; v < spec.versionsPerPackage; v++)
          yield {
            purl: purlOf(p, v),
            name: packageName(p),
            version: packageVersion(p, v),
            digests: [digestOf(`wheel/${purlOf(p, v)}`)],
          };
    }),
    nodeStep('Dataset', 'Artifact:Dataset', function* () {
      for (const { d, digest } of datasetInfo()) {
        yield {
          digest,
          name: d.name,
          omsSigned: true,
          license: ['cc-by-4.0', 'apache-2.0', 'odc-by', 'mit'][pick(`lic/${d.id}`, 4)],
          sourceUrl: `https://data.example.com/${d.name}`,
          datasetType: d.eval ? 'evaluation' : 'text',
        };
      }
    }),
    nodeStep('code Artifact', 'Artifact', function* () {
      for (let i = 0; i < spec.codeArtifacts; i++)
        yield {
          digest: codeDigest(i),
          name: `git+https://github.com/org-${i % 50}/train@${digestOf(`commit/${i}`).slice(7, 47)}`,
        };
    }),
    nodeStep('Model', 'Artifact:Model', function* () {
      for (const { m, kind, digest } of modelInfo())
        yield { digest, name: modelName(m, kind), declaredModel: true, omsSigned: true };
    }),
    nodeStep('File', 'Artifact:File', function* () {
      for (let f = 0; f < spec.foundations; f++) yield { digest: tokenizerDigest(f), name: 'tokenizer.json' };
      for (const { m } of modelInfo())
        for (const file of filesOf(m)) if (file.path !== 'tokenizer.json') yield { digest: file.digest, name: file.path };
      for (const { d } of datasetInfo())
        for (const file of datasetFiles(d)) yield { digest: file.digest, name: file.path.split('/').pop() };
    }),
    nodeStep('PipelineRun', 'PipelineRun', function* () {
      const run = (subject: string, kind: RunKind): Row => {
        const started = when(`run/${subject}`);
        return {
          id: runId(subject),
          runKind: kind,
          buildType: `https://ml.example.com/${kind}/v1`,
          startedOn: started,
          finishedOn: new Date(Date.parse(started) + 3_600_000 * (1 + pick(`hours/${subject}`, 48))).toISOString(),
          externalParameters: JSON.stringify({ runKind: kind, learningRate: 2e-5, epochs: 1 + pick(`ep/${subject}`, 3) }),
        };
      };
      for (const { m, kind } of modelInfo()) yield run(m.id, kind);
      for (const { d } of datasetInfo()) if (d.parent) yield run(d.id, 'preprocessing');
    }),
    nodeStep('Attestation', 'Attestation', function* () {
      for (const { m, digest } of modelInfo()) {
        yield attestation('oms', m.id, digest);
        yield attestation('slsa', m.id, digest);
        if (hasBom(m.id)) yield attestation('bom', m.id, digest);
        if (evaluatedOn(spec, m.id).length > 0) yield attestation('test', m.id, digest);
        if (hasRejected(m.id))
          yield {
            ...attestation('slsa', `${m.id}/rejected`, digest),
            status: 'rejected',
            method: null,
            reasonCode: 'SIGNATURE_INVALID',
            reason: 'signature does not verify under the trusted key',
          };
      }
      for (const { d, digest } of datasetInfo()) {
        yield attestation('oms', d.id, digest);
        if (d.parent) yield attestation('slsa', d.id, digest);
      }
    }),

    edgeStep('CONTAINS', 'CONTAINS', 'Artifact', 'Artifact', function* () {
      for (const { m, digest } of modelInfo())
        for (const file of filesOf(m)) yield { from: digest, to: file.digest, props: { path: file.path, evidence: [oms(m.id)] } };
      for (const { d, digest } of datasetInfo())
        for (const file of datasetFiles(d))
          yield { from: digest, to: file.digest, props: { path: file.path, evidence: [oms(d.id)] } };
    }),
    edgeStep('DERIVED_FROM', 'DERIVED_FROM', 'Artifact', 'Artifact', function* () {
      for (const { m, kind, digest } of modelInfo())
        for (const base of basesOf(spec, m, kind))
          yield { from: digest, to: modelDigest(base.id), props: { how: base.how, evidence: withBom(m.id) } };
      for (const { d, digest } of datasetInfo())
        if (d.parent)
          yield { from: digest, to: datasetDigest(d.parent), props: { how: 'preprocessing', evidence: [slsa(d.id)] } };
    }),
    edgeStep('TRAINED_ON', 'TRAINED_ON', 'Artifact', 'Artifact', function* () {
      for (const { m, kind, digest } of modelInfo())
        for (const ds of trainingSetsOf(spec, m, kind, pool))
          yield { from: digest, to: datasetDigest(ds), props: { evidence: [slsa(m.id)] } };
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
          to: codeDigest(pick(`code/${m.id}`, spec.codeArtifacts)),
          props: { role: 'code', evidence: [slsa(m.id)] },
        };
    }),
    edgeStep('EVALUATED_ON', 'EVALUATED_ON', 'Artifact', 'Artifact', function* () {
      for (const { m, digest } of modelInfo())
        for (const e of evaluatedOn(spec, m.id))
          yield {
            from: digest,
            to: datasetDigest(`E${e}`),
            props: {
              result: rnd(`pass/${m.id}/${e}`) < 0.8 ? 'PASSED' : 'FAILED',
              url: `https://evals.example.com/${m.id}/${e}`,
              evidence: [attDigest('test', m.id)],
            },
          };
    }),
    edgeStep('PRODUCED_BY', 'PRODUCED_BY', 'Artifact', 'PipelineRun', function* () {
      for (const { m, digest } of modelInfo()) yield { from: digest, to: runId(m.id), props: { evidence: [slsa(m.id)] } };
      for (const { d, digest } of datasetInfo())
        if (d.parent) yield { from: digest, to: runId(d.id), props: { evidence: [slsa(d.id)] } };
    }),
    edgeStep('RAN_ON', 'RAN_ON', 'PipelineRun', 'Builder', function* () {
      for (const { m } of modelInfo())
        yield { from: runId(m.id), to: builderId(pick(`builder/${m.id}`, spec.builders)), props: { evidence: [slsa(m.id)] } };
      for (const { d } of datasetInfo())
        if (d.parent)
          yield { from: runId(d.id), to: builderId(pick(`builder/${d.id}`, spec.builders)), props: { evidence: [slsa(d.id)] } };
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
      }
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// What the benchmark queries

export interface Targets {
  /** foundation 0: the incident-trace start. */
  readonly foundation: { readonly digest: string; readonly name: string };
  /** the last model of a chainLength-deep chain under foundation 0. */
  readonly chainEnd: { readonly digest: string; readonly name: string };
  /** a fine-tuning dataset whose estimated transitive reach is a few hundred models. */
  readonly dataset: { readonly digest: string; readonly name: string; readonly estimate: number };
  /** pretraining corpus 0 (behind half the foundations and their descendants). */
  readonly bigDataset: { readonly digest: string; readonly name: string };
}

/**
 * Picks the benchmark's starts from the spec alone. The dataset is the one whose estimated reach (models trained on it
 * or its derivatives, plus their chain descendants) is closest to `datasetReach`; the benchmark reports the real count.
 */
export function benchTargets(spec: GraphSpec, datasetReach = 300): Targets {
  const pool = fineTuneDatasets(spec);
  const reach = new Map<string, number>();
  for (const m of models(spec)) {
    const kind = runKindOf(m);
    const below = m.side ? 0 : Math.max(0, spec.chainLength - m.position) * 1.05;
    for (const ds of trainingSetsOf(spec, m, kind, pool)) {
      // a derivative's models count for the datasets it was derived from too
      for (let id: string | null = ds; id !== null; id = parentOf(id)) reach.set(id, (reach.get(id) ?? 0) + 1 + below);
    }
  }
  let best: { id: string; estimate: number } = { id: pool[0] as string, estimate: Infinity };
  const pretraining = (id: string): boolean => Number(/^R(\d+)/.exec(id)?.[1] ?? -1) < spec.pretrainingCorpora;
  for (const [id, estimate] of reach) {
    if (pretraining(id)) continue;
    if (
      Math.abs(estimate - datasetReach) < Math.abs(best.estimate - datasetReach) ||
      (estimate === best.estimate && id < best.id)
    )
      best = { id, estimate };
  }
  const names = new Map([...datasets(spec)].map((d) => [d.id, d.name]));
  const chainEnd: ModelRef = {
    id: `F0/B0/${spec.chainLength}`,
    foundation: 0,
    branch: 0,
    position: spec.chainLength,
    side: false,
  };
  return {
    foundation: { digest: modelDigest('F0'), name: foundationName(0) },
    chainEnd: { digest: modelDigest(chainEnd.id), name: modelName(chainEnd, runKindOf(chainEnd)) },
    dataset: { digest: datasetDigest(best.id), name: names.get(best.id) ?? best.id, estimate: Math.round(best.estimate) },
    bigDataset: { digest: datasetDigest('R0'), name: names.get('R0') ?? 'R0' },
  };
}

/** The dataset a derivative was made from; null for a raw dataset. */
function parentOf(id: string): string | null {
  const match = /^(R\d+)\/d(\d+)$/.exec(id);
  if (!match) return null;
  const j = Number(match[2]);
  return j === 1 ? (match[1] as string) : `${match[1]}/d${j - 1}`;
}
