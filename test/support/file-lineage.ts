// A lineage as CI pipelines write it (docs/LINEAGE.md, "Files and the artifact they make up"): every provenance names
// the model's or dataset's files as its subjects (GitHub's attest-build-provenance shape: buildType
// https://actions.github.io/buildtypes/workflow/v1, the workflow in externalParameters, the source repository with
// its gitCommit in resolvedDependencies), and OMS signatures name the roots. Fresh keys and contents on every call,
// so tests on a shared Neo4j own what they write.
//
//   raw ──preprocessing (kind not recognisable)──► clean ◄── role: dataset ── chat (sft) ──► chat-q4 (quantize builder)
//                                                    ▲                         │  └──────► small (task: distillation)
//                                       base (train.yml) ◄─ base-model ────────┘
//                                                    ▲
//                        code (method: lora, role: dataset code-data) ──► onnx (stage: export-onnx)
//
// Every model lists the same tokenizer.json; a provenance of the tokenizer alone names a file of four manifests and
// stays file-level. One provenance is signed by an untrusted key.
import { randomUUID } from 'node:crypto';
import {
  newSigner,
  omsStatement,
  SLSA_V1,
  sha256,
  signBundle,
  signEnvelope,
  statement,
  TEST_RESULT,
  type ResourceDescriptor,
  type Signer,
} from './attest.ts';

export interface FileLineageDocument {
  readonly name: string;
  readonly body: string;
  readonly trusted: boolean;
}

export interface FileLineage {
  readonly hub: Signer;
  readonly pipeline: Signer;
  readonly attacker: Signer;
  readonly documents: readonly FileLineageDocument[];
  /** `sha256:<root>` of each model and dataset. */
  readonly roots: Readonly<Record<ArtifactName, string>>;
  /** `sha256:<file>` of every file any manifest lists. */
  readonly files: readonly string[];
  readonly tokenizer: string;
  readonly torch: string;
  /** the base model's Hugging Face name (`pkg:huggingface/…@<revision>`) and the source repository at its commit. */
  readonly baseName: string;
  readonly source: string;
  readonly models: readonly ArtifactName[];
  readonly datasets: readonly ArtifactName[];
}

const MODELS = ['base', 'chat', 'code', 'chatQ4', 'small', 'onnx'] as const;
const DATASETS = ['raw', 'clean', 'codeData'] as const;
export type ArtifactName = (typeof MODELS)[number] | (typeof DATASETS)[number];

export function fileLineage(): FileLineage {
  const run = randomUUID();
  const hub = newSigner();
  const pipeline = newSigner('P-384');
  const attacker = newSigner();
  const commit = sha256(`commit ${run}`).slice(0, 40);
  const tokenizer = `tokenizer ${run}`;
  const modelFiles = (name: string, weights = 'model.safetensors'): Record<string, string> => ({
    [`${name}/config.json`]: `{"name":"${name}","run":"${run}"}`,
    [`${name}/${weights}`]: `weights of ${name} ${run}`,
    [`${name}/tokenizer.json`]: tokenizer,
  });
  const files: Record<ArtifactName, Record<string, string>> = {
    raw: { 'raw/part-0.jsonl': `raw 0 ${run}`, 'raw/part-1.jsonl': `raw 1 ${run}` },
    clean: { 'clean/train.jsonl': `clean train ${run}`, 'clean/val.jsonl': `clean val ${run}` },
    codeData: { 'code-data/train.jsonl': `code data ${run}` },
    base: modelFiles('base'),
    chat: modelFiles('chat'),
    code: modelFiles('code'),
    chatQ4: { 'chat-q4/model.gguf': `gguf ${run}`, 'chat-q4/tokenizer.json': tokenizer },
    small: modelFiles('small'),
    onnx: { 'onnx/model.onnx': `onnx ${run}`, 'onnx/tokenizer.json': tokenizer },
  };
  const oms = Object.fromEntries(
    (Object.keys(files) as ArtifactName[]).map((name) => [name, omsStatement(`acme/${name}-${run}`, files[name])]),
  ) as Record<ArtifactName, ReturnType<typeof omsStatement>>;
  const root = (name: ArtifactName): ResourceDescriptor => ({ name: `acme/${name}`, digest: { sha256: oms[name].root } });
  const subjectsOf = (name: ArtifactName, only?: string[]): ResourceDescriptor[] =>
    Object.entries(files[name])
      .filter(([path]) => !only || only.some((suffix) => path.endsWith(suffix)))
      .map(([path, content]) => ({ name: path, digest: { sha256: sha256(content) } }));
  const torch = `pkg:pypi/acme-trainer-${run.slice(0, 8)}@2.5.1`;
  // the base model as people name it: its Hugging Face repository at a revision. The chat fine-tune names it only so;
  // the code fine-tune names it by purl and by its OMS root at once, which binds the two.
  const baseRevision = sha256(`base revision ${run}`).slice(0, 40);
  const baseName = `pkg:huggingface/acme/base-${run.slice(0, 8)}@${baseRevision}`;
  let runs = 0;
  const github = (
    subjects: ResourceDescriptor[],
    dependencies: ResourceDescriptor[],
    workflow: string,
    extra: { builder?: string; parameters?: Record<string, unknown> } = {},
  ): Record<string, unknown> =>
    statement(SLSA_V1, subjects, {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/ml', path: workflow },
          ...extra.parameters,
        },
        internalParameters: { github: { event_name: 'push', repository_id: '42', repository_owner_id: '7' } },
        resolvedDependencies: [
          { uri: 'git+https://github.com/acme/ml@refs/heads/main', digest: { gitCommit: commit } },
          ...dependencies,
        ],
      },
      runDetails: {
        builder: { id: extra.builder ?? 'https://github.com/actions/runner/github-hosted' },
        metadata: { invocationId: `https://github.com/acme/ml/actions/runs/${run}-${++runs}/attempts/1` },
      },
    });

  const provenances: [string, Record<string, unknown>, Signer][] = [
    // the kind of this run is not recognisable: its output's kind comes from how others use it
    [
      'preprocess',
      github(subjectsOf('clean'), [{ ...root('raw'), annotations: { role: 'dataset' } }], '.github/workflows/build-data.yml'),
      pipeline,
    ],
    ['train', github(subjectsOf('base'), [root('clean'), { uri: torch }], '.github/workflows/train.yml'), pipeline],
    [
      'finetune-chat',
      github(
        subjectsOf('chat'),
        [
          {
            uri: `https://huggingface.co/acme/base-${run.slice(0, 8)}`,
            digest: { gitCommit: baseRevision },
            annotations: { role: 'base-model' },
          },
          { ...root('clean'), annotations: { role: 'dataset' } },
        ],
        '.github/workflows/sft.yml',
      ),
      pipeline,
    ],
    [
      'finetune-code',
      github(
        subjectsOf('code'),
        [
          { uri: baseName, digest: { sha256: oms.base.root, gitCommit: baseRevision } },
          { ...root('codeData'), annotations: { role: 'dataset' } },
        ],
        '.github/workflows/release.yml',
        { parameters: { method: 'lora' } },
      ),
      pipeline,
    ],
    [
      'quantize',
      github(subjectsOf('chatQ4'), [root('chat')], '.github/workflows/release.yml', {
        builder: 'https://builders.acme.dev/quantize',
      }),
      pipeline,
    ],
    [
      'distill',
      github(subjectsOf('small'), [root('chat')], '.github/workflows/release.yml', { parameters: { task: 'distillation' } }),
      pipeline,
    ],
    [
      'convert',
      github(subjectsOf('onnx'), [root('code')], '.github/workflows/release.yml', { parameters: { stage: 'export-onnx' } }),
      pipeline,
    ],
    // the shared tokenizer alone: a file of four manifests, so it stays file-level
    ['tokenizer', github(subjectsOf('base', ['tokenizer.json']), [], '.github/workflows/tokenizer.yml'), pipeline],
    // forged by an untrusted key: a backdoored base for the chat model
    [
      'forged',
      github(
        subjectsOf('chat'),
        [{ name: 'backdoor', digest: { sha256: sha256(`backdoor ${run}`) }, annotations: { role: 'base-model' } }],
        '.github/workflows/sft.yml',
      ),
      attacker,
    ],
  ];
  // evaluations naming one file of a model (its weights): a subset of exactly one manifest
  const evaluation = (model: ArtifactName, dataset: ArtifactName): Record<string, unknown> =>
    statement(TEST_RESULT, subjectsOf(model, ['model.safetensors']), {
      result: 'PASSED',
      configuration: [{ ...root(dataset), annotations: { role: 'dataset' } }],
      url: `https://evals.acme.dev/${model}/${run}`,
    });

  const documents: FileLineageDocument[] = [
    ...(Object.keys(oms) as ArtifactName[]).map((name) => ({
      name: `${name}.oms`,
      body: signBundle(oms[name].doc, hub),
      trusted: true,
    })),
    ...provenances.map(([name, doc, signer]) => ({ name, body: signEnvelope(doc, signer), trusted: signer !== attacker })),
    { name: 'eval-chat', body: signEnvelope(evaluation('chat', 'clean'), pipeline), trusted: true },
    { name: 'eval-code', body: signEnvelope(evaluation('code', 'codeData'), pipeline), trusted: true },
  ];
  return {
    hub,
    pipeline,
    attacker,
    documents,
    roots: Object.fromEntries(Object.entries(oms).map(([name, o]) => [name, `sha256:${o.root}`])) as Record<ArtifactName, string>,
    files: [...new Set(Object.values(files).flatMap((f) => Object.values(f).map((c) => `sha256:${sha256(c)}`)))],
    tokenizer: `sha256:${sha256(tokenizer)}`,
    torch,
    baseName,
    source: `pkg:github/acme/ml@${commit}`,
    models: MODELS,
    datasets: DATASETS,
  };
}
