// The kind of a pipeline run (SLSA Provenance v1), read from every place real pipelines put it (docs/LINEAGE.md,
// "Run kind"): the one table of recognised words, and the order the signals are read in.

export const RUN_KINDS = ['fine-tune', 'distillation', 'quantization', 'conversion', 'preprocessing', 'training'] as const;
export type RunKind = (typeof RUN_KINDS)[number] | 'unknown';

/**
 * The words that name each kind, matched as whole words (between non-letters) in lower case. Checked in this order,
 * so `fine-tune` is found before `training` in "fine-tuning run of a trained model" and `preprocessing` before
 * `training` in "preprocess training data".
 */
export const RUN_KIND_WORDS: readonly (readonly [RunKind, readonly string[]])[] = [
  [
    'fine-tune',
    ['fine-tune', 'fine-tuning', 'fine-tuned', 'finetune', 'finetuning', 'fine_tune', 'fine_tuning', 'sft', 'lora', 'qlora'],
  ],
  ['distillation', ['distill', 'distillation', 'distilled', 'distil']],
  ['quantization', ['quantize', 'quantization', 'quantisation', 'quantise', 'quantized', 'quant', 'gptq', 'awq']],
  ['conversion', ['convert', 'conversion', 'converted', 'export']],
  ['preprocessing', ['preprocess', 'preprocessing', 'pre-process', 'pre-processing', 'data-prep', 'dataprep', 'tokenize']],
  ['training', ['train', 'training', 'trained', 'pretrain', 'pretraining', 'pre-train', 'pre-training']],
];

/** Keys of `externalParameters` that name the run kind, in the order they are read. */
const PARAMETER_KEYS = ['runKind', 'method', 'task', 'stage', 'type'] as const;

/**
 * The first kind named by the first signal that names one: `externalParameters.runKind`, then `method`, `task`,
 * `stage`, `type`, then the buildType, then the builder id, then the workflow (`externalParameters.workflow.path`,
 * `.name`, GitHub's build type). `unknown` when none names a kind: never guessed.
 */
export function runKindOf(externalParameters: unknown, buildType: string, builderId: string): RunKind {
  const parameters = isRecord(externalParameters) ? externalParameters : {};
  const workflow = isRecord(parameters['workflow']) ? parameters['workflow'] : {};
  const signals: unknown[] = [
    ...PARAMETER_KEYS.map((key) => parameters[key]),
    buildType,
    builderId,
    workflow['path'],
    workflow['name'],
  ];
  for (const signal of signals) {
    if (typeof signal !== 'string') continue;
    const kind = kindInText(signal);
    if (kind) return kind;
  }
  return 'unknown';
}

/** The first kind (in table order) one of whose words stands as a whole word in `text`. */
export function kindInText(text: string): RunKind | null {
  // Words are runs of letters, digits, `-` and `_`; path separators, dots and spaces split them. A hyphenated word
  // is also tried in each run of its parts (`fine-tune-llama` holds `fine-tune`, `train_llama` holds `train`).
  const words = new Set<string>();
  for (const word of text.toLowerCase().split(/[^a-z0-9_-]+/)) {
    const parts = word.split(/[-_]/).filter((part) => part.length > 0);
    for (let from = 0; from < parts.length; from++) {
      for (let to = from + 1; to <= Math.min(parts.length, from + 3); to++) {
        words.add(parts.slice(from, to).join('-'));
        words.add(parts.slice(from, to).join('_'));
      }
    }
  }
  for (const [kind, names] of RUN_KIND_WORDS) if (names.some((name) => words.has(name))) return kind;
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
