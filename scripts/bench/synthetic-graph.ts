// A deterministic synthetic lineage graph for the query benchmark, shaped as docs/LINEAGE.md describes what ingest
// writes: foundation models fine-tuned, quantized, distilled and converted in chains, datasets with preprocessed
// derivatives, packages by purl and version, OMS-signed files, pipeline runs on builders, an Attestation node
// behind every edge (its digest in the edge's `evidence`, ATTESTS its subject, SIGNED_BY one of a few keys), and
// card fields on the cards' DESCRIBES edges (each dataset's own data card, the models' CycloneDX BOMs).
//
// Every digest is the sha256 of a seed string and every choice a hash of the entity's name, so the same spec always
// yields the same graph, in any order, without keeping it in memory: `loadSteps` (synthetic-load.ts) streams rows per
// node or edge kind.
//
// Shape at scale 1 (about 1.03 M nodes, 2.1 M relationships):
//   10 foundations × 1,000 branches × chains of 10 derived models (+ ~5 % quantized side leaves, ~1 % merges that
//   also derive from another family's model) → ~104,500 models, each foundation with ≥ 10,000 descendants;
//   3,000 raw datasets with 0–3 preprocessed derivatives each, picked by fine-tunes with a long-tailed popularity;
//   20 pretraining corpora (each foundation trains on three, corpus 0 on five foundations: the big fan-out case);
//   60 evaluation sets; 300 packages × 8 versions; 2,000 training-code commits; 5 unique files per model plus a
//   tokenizer shared across a family; 8 builders; 4 signing keys; ~2 % extra rejected attestations linked to nothing.

//
// Over 300 lines: every deterministic choice of the graph is here, so one file says what the graph is.
import { createHash } from 'node:crypto';

/**
 * Bump on any change to the generated rows, here or in synthetic-load.ts: it is part of specHash, so a bump reloads.
 * 4: the rows are what the write path makes of the same facts (test/integration/synthetic-graph.test.ts).
 */
export const GENERATOR_VERSION = 4;

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
export function rnd(key: string): number {
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

export const pick = (key: string, n: number): number => Math.floor(rnd(key) * n);

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
export const MODEL_FILES = [
  'config.json',
  'generation_config.json',
  'model-00001-of-00002.safetensors',
  'model-00002-of-00002.safetensors',
  'special_tokens_map.json',
];
export const FOUNDATION_SHARDS = 10;
export type RunKind = 'training' | 'preprocessing' | 'fine-tune' | 'quantization' | 'conversion' | 'distillation';

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
export const fileDigest = (owner: string, path: string): string => digestOf(`file/${owner}/${path}`);
export const tokenizerDigest = (f: number): string => digestOf(`file/tokenizer/F${f}`);
export const datasetDigest = (id: string): string => digestOf(`dataset/${id}`);
export const codeDigest = (i: number): string => digestOf(`code/${i}`);
export const codeName = (i: number): string =>
  `git+https://github.com/org-${i % 50}/train@${digestOf(`commit/${i}`).slice(7, 47)}`;
export const attDigest = (kind: string, subject: string): string => digestOf(`attestation/${kind}/${subject}`);
export const keyFingerprint = (k: number): string => digestOf(`key/${k}`).slice('sha256:'.length);
export const builderId = (b: number): string => `https://ci.example.com/builders/gpu-pool-${b}`;
export const runId = (subject: string): string => `https://ci.example.com/runs/${digestOf(`run/${subject}`).slice(7, 31)}`;

export function packageName(p: number): string {
  return KNOWN_PACKAGES[p] ?? `ml-lib-${p}`;
}
export function packageVersion(p: number, v: number): string {
  return `${1 + (p % 3)}.${v + 1}.${(p + v) % 3}`;
}
export const purlOf = (p: number, v: number): string => `pkg:pypi/${packageName(p)}@${packageVersion(p, v)}`;
/** the package's version some model uses: a recent one is more likely. */
const versionFor = (spec: GraphSpec, key: string): number =>
  spec.versionsPerPackage - 1 - Math.floor(rnd(key) ** 2 * spec.versionsPerPackage);

export const signerOf = (spec: GraphSpec, subject: string): number =>
  rnd(`key/${subject}`) < 0.7 ? 0 : 1 + pick(`key2/${subject}`, spec.keys - 1);

export function runKindOf(m: ModelRef): RunKind {
  if (m.position === 0) return 'training';
  if (m.side) return 'quantization';
  if (m.position === 1) return 'fine-tune';
  const u = rnd(`kind/${m.id}`);
  return u < 0.45 ? 'fine-tune' : u < 0.7 ? 'quantization' : u < 0.85 ? 'conversion' : 'distillation';
}

export function modelName(m: ModelRef, kind: RunKind): string {
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
export function basesOf(spec: GraphSpec, m: ModelRef, kind: RunKind): { id: string; how: string }[] {
  if (m.position === 0) return [];
  if (m.side) return [{ id: m.id.slice(0, -2), how: kind }];
  const parent = m.position === 1 ? `F${m.foundation}` : `F${m.foundation}/B${m.branch}/${m.position - 1}`;
  const bases = [{ id: parent, how: kind }];
  // A merge: also derived from a model of another family, at most as deep as this one's parent.
  if (spec.foundations > 1 && m.position >= 2 && rnd(`merge/${m.id}`) < 0.01) {
    const other = (m.foundation + 1 + pick(`mergef/${m.id}`, spec.foundations - 1)) % spec.foundations;
    const branch = pick(`mergeb/${m.id}`, spec.branchesPerFoundation);
    const position = 1 + pick(`mergep/${m.id}`, m.position - 1);
    // The provenance says how for all its base models at once: the run's kind.
    bases.push({ id: `F${other}/B${branch}/${position}`, how: kind });
  }
  return bases;
}

// Datasets: raw `R<i>` with a chain of preprocessed derivatives `R<i>/d1..d<n>`, and evaluation sets `E<i>`.
function derivedCount(spec: GraphSpec, raw: number): number {
  return raw < spec.pretrainingCorpora ? 1 + pick(`derived/R${raw}`, 2) : pick(`derived/R${raw}`, 4);
}

export interface DatasetRef {
  readonly id: string;
  readonly parent: string | null;
  readonly name: string;
  readonly eval: boolean;
}

export function* datasets(spec: GraphSpec): Generator<DatasetRef> {
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
export function fineTuneDatasets(spec: GraphSpec): string[] {
  const list: string[] = [];
  for (const d of datasets(spec)) {
    if (d.eval) continue;
    const raw = Number(/^R(\d+)/.exec(d.id)?.[1]);
    if (raw >= spec.pretrainingCorpora) list.push(d.id);
  }
  return list;
}

/** What a model was trained on: pretraining corpora for a foundation, long-tailed popular datasets for fine-tunes. */
export function trainingSetsOf(spec: GraphSpec, m: ModelRef, kind: RunKind, pool: readonly string[]): string[] {
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

export function packagesOf(spec: GraphSpec, m: ModelRef, kind: RunKind): number[][] {
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

export const evaluatedOn = (spec: GraphSpec, id: string): number[] =>
  rnd(`eval/${id}`) < 0.3 ? [...new Set([pick(`e1/${id}`, spec.evalDatasets), pick(`e2/${id}`, spec.evalDatasets)])] : [];
export const hasBom = (id: string): boolean => rnd(`bom/${id}`) < 0.1;
export const hasRejected = (id: string): boolean => rnd(`rejected/${id}`) < 0.02;

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
