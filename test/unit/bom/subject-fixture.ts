// A hand-made BomSubject: a fine-tuned model with two files, a base model that is itself a fine-tune of a
// foundation model (each with its own training data), one dataset with a card, torch by purl, a config
// file, one run, one evaluation, and the attestations behind all of it.
import type { BomArtifact, BomAttestation, BomSubject } from '../../../src/graph/index.ts';

export const hex = (c: string): string => c.repeat(64);
export const d = (c: string): string => `sha256:${hex(c)}`;

export const ATT = {
  tunedOms: d('1'),
  baseOms: d('2'),
  slsaTune: d('3'),
  slsaBase: d('4'),
  dataCard: d('5'),
  test: d('6'),
  modelCard: d('7'),
} as const;

const KEY = { kind: 'key', fingerprint: hex('f') } as const;
const attestations: BomAttestation[] = [
  { digest: ATT.tunedOms, predicateType: 'https://model_signing/signature/v1.0', signer: KEY },
  { digest: ATT.baseOms, predicateType: 'https://model_signing/signature/v1.0', signer: KEY },
  {
    digest: ATT.slsaTune,
    predicateType: 'https://slsa.dev/provenance/v1',
    signer: { kind: 'identity', issuer: 'https://issuer.example', subject: 'ci@example.com' },
  },
  { digest: ATT.slsaBase, predicateType: 'https://slsa.dev/provenance/v1', signer: KEY },
  { digest: ATT.dataCard, predicateType: 'https://cyclonedx.org/bom', signer: KEY },
  { digest: ATT.test, predicateType: 'https://in-toto.io/attestation/test-result/v0.1', signer: KEY },
  { digest: ATT.modelCard, predicateType: 'https://cyclonedx.org/bom', signer: KEY },
];

const artifact = (digest: string, name: string, labels: string[], attestedBy: string[] = []): BomArtifact => ({
  digest,
  name,
  labels,
  card: null,
  attestedBy,
});

export const MODEL = d('a');
export const BASE = d('b');
export const FOUNDATION = d('c');
export const CORPUS = d('d');
export const BASE_CORPUS = d('e');
export const EVAL = d('9');
export const CONFIG = d('8');
export const TORCH = 'pkg:pypi/torch@2.5.1';

export const MODEL_CARD = {
  'bom-ref': 'card-from-the-author',
  modelParameters: { task: 'text-generation', architectureFamily: 'llama', approach: { type: 'supervised' } },
  considerations: { useCases: ['chat'] },
};

export function subject(overrides: Partial<BomSubject> = {}): BomSubject {
  const corpus: BomArtifact = {
    ...artifact(CORPUS, 'support-corpus', ['Dataset'], [ATT.dataCard]),
    card: {
      evidence: [ATT.dataCard],
      version: '2026.10',
      license: 'CC-BY-4.0',
      sourceUrl: 'https://data.example.com/support-corpus',
      datasetType: 'dataset',
      sensitiveData: ['customer names'],
      modelCard: null,
    },
  };
  return {
    model: {
      ...artifact(MODEL, 'support-bot', ['Model'], [ATT.tunedOms, ATT.slsaTune, ATT.modelCard]),
      card: {
        evidence: [ATT.modelCard],
        version: '1.0.0',
        license: 'Apache-2.0',
        sourceUrl: null,
        datasetType: null,
        sensitiveData: [],
        modelCard: JSON.stringify(MODEL_CARD),
      },
    },
    files: [
      { path: 'config.json', digest: d('0'), start: null, end: null, evidence: [ATT.tunedOms] },
      { path: 'model.safetensors', digest: `sha384:${'ab'.repeat(48)}`, start: null, end: null, evidence: [ATT.tunedOms] },
    ],
    derivedFrom: [{ from: MODEL, to: BASE, how: 'fine-tune', evidence: [ATT.slsaTune] }],
    ancestors: [
      {
        artifact: artifact(BASE, 'base-7b', ['Model'], [ATT.baseOms, ATT.slsaBase]),
        depth: 1,
        derivedFrom: [{ from: BASE, to: FOUNDATION, how: 'distillation', evidence: [ATT.slsaBase] }],
        datasets: [{ artifact: artifact(BASE_CORPUS, 'web-crawl', ['Dataset']), evidence: [ATT.slsaBase] }],
      },
      { artifact: artifact(FOUNDATION, 'foundation-70b', ['Model']), depth: 2, derivedFrom: [], datasets: [] },
    ],
    datasets: [{ artifact: corpus, evidence: [ATT.slsaTune] }],
    packages: [{ purl: TORCH, digest: null, name: 'torch', version: '2.5.1', digests: [d('7')], evidence: [ATT.slsaTune] }],
    used: [{ artifact: artifact(CONFIG, 'train.yaml', []), role: 'config', evidence: [ATT.slsaTune] }],
    runs: [
      {
        id: 'ft-42',
        runKind: 'fine-tune',
        buildType: 'https://ml.example.com/pipelines/fine-tune/v1',
        startedOn: '2026-11-01T00:00:00Z',
        finishedOn: '2026-11-01T06:00:00Z',
        externalParameters: JSON.stringify({ runKind: 'fine-tune', learningRate: 0.0001, epochs: 3 }),
        builders: [{ id: 'https://ml.example.com/builders/trainer', evidence: [ATT.slsaTune] }],
        inputs: [
          { role: 'base-model', key: BASE, name: 'base-7b' },
          { role: 'dataset', key: CORPUS, name: 'support-corpus' },
          { role: 'framework', key: TORCH, name: 'torch' },
          { role: 'config', key: CONFIG, name: 'train.yaml' },
        ],
        otherOutputs: [],
        evidence: [ATT.slsaTune],
      },
    ],
    evaluations: [
      {
        dataset: artifact(EVAL, 'support-eval', ['Dataset']),
        result: 'PASSED',
        url: 'https://ci.example.com/eval/1',
        evidence: [ATT.test],
      },
    ],
    attestations,
    ...overrides,
  };
}
