// A realistic signed lineage scenario (docs/LINEAGE.md) and the graph it must produce. Used by
// scripts/fixtures/make-scenario.ts (the committed fixtures in test/fixtures/scenario/) and by
// test/integration/lineage-scenario.test.ts, which also builds fresh copies with a salt so every run
// ingests digests the shared Neo4j has never seen.
//
// A foundation model trained on two OMS-signed datasets (one with a CycloneDX data card, one with an
// SPDX 3 DatasetPackage) with torch; one of the datasets derived from a raw crawl by preprocessing;
// two fine-tunes of the foundation model; a quantized derivative of one fine-tune; an evaluation; a
// forged provenance (untrusted key) and a tampered one (payload edited after signing).
//
// Over 300 lines: the scenario's documents and the graph they must produce are kept side by side, so a change to one
// is seen next to the other.
import { CYCLONEDX, TEST_RESULT, provenance, sha256, statement } from './attest.ts';
import { keyFingerprint, scenarioBuilder, type NodeMatch, type Scenario, type ScenarioKeys } from './scenario-builder.ts';

export * from './scenario-builder.ts';

export const SPDX3 = 'https://spdx.dev/Document/v3';
/** A stand-in for the torch 2.5.1 wheel's SHA-256 (the scenario never downloads it). */
export const TORCH_WHEEL_SHA256 = sha256('torch-2.5.1-cp312-cp312-manylinux_2_28_x86_64.whl (scenario stand-in)');

const TRAINER = 'https://ml.acme.example/builders/trainer';
const DATA_PREP = 'https://ml.acme.example/builders/data-prep';

/** Builds the scenario; everything but the signatures is deterministic for a given salt. */
export function buildScenario(keys: ScenarioKeys, salt = ''): Scenario {
  const { s, hex, runId, hexOf, node, artifact, edge, emit, oms, rd, run, produced, absent, finish } = scenarioBuilder(
    keys,
    salt,
  );

  // --- datasets -----------------------------------------------------------------------------------
  const tokenizer = '{"model":{"type":"BPE","vocab_size":32000},"added_tokens":["<s>","</s>","<pad>"]}';
  const web = oms(
    'dataset/web-corpus',
    'acme/web-corpus',
    'Dataset',
    {
      'data/part-00000.jsonl': '{"text":"The quick brown fox jumps over the lazy dog.","url":"https://example.org/a"}',
      'data/part-00001.jsonl': '{"text":"Provenance is the chronology of ownership.","url":"https://example.org/b"}',
      'README.md': '# acme/web-corpus\nDeduplicated English web text, 2 shards.',
    },
    'web-corpus.oms',
    'bundle',
    'hub',
  );
  const code = oms(
    'dataset/code-corpus',
    'acme/code-corpus',
    'Dataset',
    {
      'train.parquet': 'PAR1 acme code corpus: permissively licensed python and typescript functions PAR1',
      'LICENSES.txt': 'Apache-2.0 MIT BSD-3-Clause',
    },
    'code-corpus.oms',
    'envelope',
    'pipeline',
  );
  const rawCrawl = artifact('dataset/web-crawl-raw', hex('acme/web-crawl-raw 2026-10 snapshot'), ['Dataset'], {
    name: 'acme/web-crawl-raw',
  });

  // CycloneDX 1.6 `data` card for the web corpus (its component is reused by the framework BOM below,
  // which then says the same of the dataset on a DESCRIBES edge of its own, {own: false}).
  const webComponent = {
    type: 'data',
    'bom-ref': 'dataset-web-corpus',
    name: 'acme/web-corpus',
    hashes: [{ alg: 'SHA-256', content: web.root }],
    licenses: [{ license: { id: 'CC-BY-4.0' } }],
    data: [
      {
        type: 'dataset',
        name: 'web-corpus',
        contents: { url: 'https://data.acme.example/web-corpus' },
        classification: 'public',
        sensitiveData: ['none known'],
      },
    ],
  };
  const webFields = {
    name: 'acme/web-corpus',
    license: 'CC-BY-4.0',
    sourceUrl: 'https://data.acme.example/web-corpus',
    datasetType: 'dataset',
    sensitiveData: 'none known',
  };
  emit(
    'web-corpus.cyclonedx',
    'envelope',
    'hub',
    statement(CYCLONEDX, [{ name: 'acme/web-corpus', digest: { sha256: web.root } }], {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${uuidFrom(`web-card${salt}`)}`,
      version: 1,
      metadata: { timestamp: '2026-10-20T00:00:00Z', component: webComponent },
    }),
    {
      attests: [web.id],
      describes: [{ node: web.id, props: { own: true, issuedAt: '2026-10-20T00:00:00.000Z', ...webFields } }],
    },
  );

  // SPDX 3.0.1 DatasetPackage card for the code corpus.
  emit(
    'code-corpus.spdx',
    'bundle',
    'hub',
    statement(SPDX3, [{ name: 'acme/code-corpus', digest: { sha256: code.root } }], {
      '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
      '@graph': [
        {
          type: 'CreationInfo',
          '@id': '_:creationinfo',
          specVersion: '3.0.1',
          created: '2026-10-21T00:00:00Z',
          createdBy: ['urn:acme:hub'],
        },
        { type: 'Organization', spdxId: 'urn:acme:hub', name: 'ACME model hub', creationInfo: '_:creationinfo' },
        {
          type: 'dataset_DatasetPackage',
          spdxId: 'urn:acme:dataset:code-corpus',
          name: 'acme/code-corpus',
          creationInfo: '_:creationinfo',
          software_primaryPurpose: 'data',
          software_downloadLocation: 'https://data.acme.example/code-corpus',
          dataset_datasetType: ['text'],
          dataset_datasetSize: 2048,
          verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: code.root }],
        },
      ],
    }),
    {
      attests: [code.id],
      describes: [
        {
          node: code.id,
          props: {
            own: true,
            issuedAt: '2026-10-21T00:00:00.000Z',
            name: 'acme/code-corpus',
            sourceUrl: 'https://data.acme.example/code-corpus',
            datasetType: 'text',
          },
        },
      ],
    },
  );

  // Preprocessing: the web corpus is derived from the raw crawl (subject role dataset).
  const prep = run('acme/prep-web-corpus/001', 'preprocessing', DATA_PREP);
  const prepCommit = hex('acme/data-prep@dedup').slice(0, 40);
  const prepCode = node({
    id: 'code/data-prep',
    label: 'Artifact',
    key: 'digest',
    value: `pkg:generic/git.acme.example/data-prep@${prepCommit}`,
    labels: ['Artifact'],
    properties: { name: 'git+https://git.acme.example/data-prep' },
  });
  emit(
    'web-corpus.preprocess.slsa',
    'envelope',
    'pipeline',
    provenance({
      subjects: [{ name: 'acme/web-corpus', digest: { sha256: web.root }, annotations: { role: 'dataset' } }],
      dependencies: [
        rd('acme/web-crawl-raw', hexOf(rawCrawl), 'dataset'),
        { name: 'git+https://git.acme.example/data-prep', digest: { gitCommit: prepCommit }, annotations: { role: 'code' } },
      ],
      runKind: 'preprocessing',
      invocationId: runId('acme/prep-web-corpus/001'),
      builder: DATA_PREP,
      parameters: { minhashThreshold: 0.8, language: 'en' },
    }),
    { attests: [web.id] },
  );
  edge('DERIVED_FROM', web.id, rawCrawl, { how: 'preprocessing' }, 'web-corpus.preprocess.slsa');
  edge('USED', web.id, prepCode, { role: 'code' }, 'web-corpus.preprocess.slsa');
  produced(web.id, prep, DATA_PREP, 'web-corpus.preprocess.slsa');

  // --- foundation model -----------------------------------------------------------------------------
  const foundation = oms(
    'model/foundation',
    'acme/foundation-7b',
    'Model',
    {
      'config.json': '{"architectures":["LlamaForCausalLM"],"hidden_size":4096,"num_hidden_layers":32}',
      'model.safetensors': 'safetensors: acme/foundation-7b weights (placeholder bytes for the scenario)',
      'tokenizer.json': tokenizer,
    },
    'foundation.oms',
    'bundle',
    'hub',
  );
  const torch = node({
    id: 'package/torch',
    label: 'Package',
    key: 'purl',
    value: 'pkg:pypi/torch@2.5.1',
    labels: ['Package'],
    properties: { name: 'torch', version: '2.5.1' },
    includes: { digests: [`sha256:${TORCH_WHEEL_SHA256}`] },
  });
  const trainConfig = artifact('config/foundation-train', hex('lr: 3.0e-4\nbatch_size: 1024\nsteps: 250000'), [], {
    name: 'train.yaml',
  });
  const trainCommit = hex('acme/trainer@v3.2.0').slice(0, 40);
  const trainCode = node({
    id: 'code/trainer',
    label: 'Artifact',
    key: 'digest',
    value: `pkg:generic/git.acme.example/trainer@${trainCommit}`,
    labels: ['Artifact'],
    properties: { name: 'git+https://git.acme.example/trainer' },
  });
  const pretrain = run('acme/pretrain-foundation-7b/001', 'training', TRAINER);
  emit(
    'foundation.train.slsa',
    'bundle',
    'pipeline',
    provenance({
      // No role on the subject: a model, since the run kind is training.
      subjects: [{ name: 'acme/foundation-7b', digest: { sha256: foundation.root } }],
      dependencies: [
        rd('acme/web-corpus', web.root, 'dataset'),
        rd('acme/code-corpus', code.root, 'dataset'),
        // No role: a purl is a framework.
        { uri: 'pkg:pypi/torch@2.5.1', digest: { sha256: TORCH_WHEEL_SHA256 } },
        { name: 'git+https://git.acme.example/trainer', digest: { gitCommit: trainCommit }, annotations: { role: 'code' } },
        rd('train.yaml', hexOf(trainConfig), 'config'),
      ],
      runKind: 'training',
      invocationId: runId('acme/pretrain-foundation-7b/001'),
      builder: TRAINER,
      parameters: { epochs: 1, seqLen: 4096 },
    }),
    { attests: [foundation.id] },
  );
  edge('TRAINED_ON', foundation.id, web.id, {}, 'foundation.train.slsa');
  edge('TRAINED_ON', foundation.id, code.id, {}, 'foundation.train.slsa');
  edge('BUILT_WITH', foundation.id, torch, {}, 'foundation.train.slsa');
  edge('USED', foundation.id, trainCode, { role: 'code' }, 'foundation.train.slsa');
  edge('USED', foundation.id, trainConfig, { role: 'config' }, 'foundation.train.slsa');
  produced(foundation.id, pretrain, TRAINER, 'foundation.train.slsa');

  // CycloneDX framework attestation about the foundation model: model card, libraries, training data.
  const modelCard = {
    modelParameters: { task: 'text-generation', architectureFamily: 'llama', modelArchitecture: 'LlamaForCausalLM' },
    considerations: { useCases: ['research'] },
  };
  const libraries = [
    ['torch', '2.5.1'],
    ['transformers', '4.46.3'],
    ['numpy', '2.1.3'],
  ] as const;
  for (const [name, version] of libraries) {
    const id = node({
      id: `package/${name}`,
      label: 'Package',
      key: 'purl',
      value: `pkg:pypi/${name}@${version}`,
      labels: ['Package'],
      properties: { name, version },
    });
    edge('BUILT_WITH', foundation.id, id, {}, 'foundation.cyclonedx');
  }
  edge('TRAINED_ON', foundation.id, web.id, {}, 'foundation.cyclonedx');
  emit(
    'foundation.cyclonedx',
    'bundle',
    'pipeline',
    statement(CYCLONEDX, [{ name: 'acme/foundation-7b', digest: { sha256: foundation.root } }], {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${uuidFrom(`foundation-bom${salt}`)}`,
      version: 1,
      metadata: {
        timestamp: '2026-11-01T07:00:00Z',
        component: {
          type: 'machine-learning-model',
          'bom-ref': 'model-foundation',
          name: 'acme/foundation-7b',
          hashes: [{ alg: 'SHA-256', content: foundation.root }],
          modelCard,
        },
      },
      components: [
        ...libraries.map(([name, version]) => ({ type: 'library', name, version, purl: `pkg:pypi/${name}@${version}` })),
        webComponent,
      ],
    }),
    {
      attests: [foundation.id],
      describes: [
        // both dated by the BOM's metadata.timestamp, as UTC ISO 8601
        {
          node: foundation.id,
          props: {
            own: true,
            issuedAt: '2026-11-01T07:00:00.000Z',
            name: 'acme/foundation-7b',
            modelCard: JSON.stringify(modelCard),
          },
        },
        { node: web.id, props: { own: false, issuedAt: '2026-11-01T07:00:00.000Z', ...webFields } },
      ],
    },
  );

  // --- fine-tunes -------------------------------------------------------------------------------------
  const chatData = oms(
    'dataset/chat-instructions',
    'acme/chat-instructions',
    'Dataset',
    { 'instructions.jsonl': '{"prompt":"Summarise the paper.","response":"It shows provenance can be verified."}' },
    'chat-instructions.oms',
    'bundle',
    'pipeline',
  );
  const chat = oms(
    'model/chat',
    'acme/foundation-7b-chat',
    'Model',
    {
      'config.json': '{"architectures":["LlamaForCausalLM"],"hidden_size":4096,"chat_template":"acme-v1"}',
      'model.safetensors': 'safetensors: acme/foundation-7b-chat weights (placeholder)',
      'tokenizer.json': tokenizer,
    },
    'chat.oms',
    'bundle',
    'hub',
  );
  const chatRun = run('acme/finetune-chat/001', 'fine-tune', TRAINER);
  emit(
    'chat.finetune.slsa',
    'envelope',
    'pipeline',
    provenance({
      subjects: [{ name: 'acme/foundation-7b-chat', digest: { sha256: chat.root }, annotations: { role: 'model' } }],
      dependencies: [
        rd('acme/foundation-7b', foundation.root, 'base-model'),
        rd('acme/chat-instructions', chatData.root, 'dataset'),
        { uri: 'pkg:pypi/torch@2.5.1', digest: { sha256: TORCH_WHEEL_SHA256 }, annotations: { role: 'framework' } },
      ],
      runKind: 'fine-tune',
      invocationId: runId('acme/finetune-chat/001'),
      builder: TRAINER,
      parameters: { method: 'lora', rank: 16 },
    }),
    { attests: [chat.id] },
  );
  edge('DERIVED_FROM', chat.id, foundation.id, { how: 'fine-tune' }, 'chat.finetune.slsa');
  edge('TRAINED_ON', chat.id, chatData.id, {}, 'chat.finetune.slsa');
  edge('BUILT_WITH', chat.id, torch, {}, 'chat.finetune.slsa');
  produced(chat.id, chatRun, TRAINER, 'chat.finetune.slsa');

  const reviewData = artifact('dataset/code-review', hex('acme/code-review pull-request comments'), ['Dataset'], {
    name: 'acme/code-review',
  });
  const coder = oms(
    'model/coder',
    'acme/foundation-7b-code',
    'Model',
    {
      'config.json': '{"architectures":["LlamaForCausalLM"],"hidden_size":4096,"fim":true}',
      'model.safetensors': 'safetensors: acme/foundation-7b-code weights (placeholder)',
      'tokenizer.json': tokenizer,
    },
    'coder.oms',
    'envelope',
    'hub',
  );
  // The dependency below names the shared tokenizer file, so the File node takes that name.
  const tokenizerFile = artifact(`file/${sha256(s(tokenizer)).slice(0, 12)}`, sha256(s(tokenizer)), ['File'], {
    name: 'tokenizer.json',
  });
  const coderRun = run('acme/finetune-coder/001', 'fine-tune', TRAINER);
  emit(
    'coder.finetune.slsa',
    'bundle',
    'pipeline',
    provenance({
      subjects: [{ name: 'acme/foundation-7b-code', digest: { sha256: coder.root }, annotations: { role: 'model' } }],
      dependencies: [
        rd('acme/foundation-7b', foundation.root, 'base-model'),
        rd('acme/code-review', hexOf(reviewData), 'dataset'),
        // No role, and the digest is a File: an unclassified input.
        rd('tokenizer.json', sha256(s(tokenizer))),
        // No role, and the digest is an OMS-signed dataset: until the chat fine-tune's provenance calls it a
        // dataset the graph takes its root for a Model, yet the edge must end as TRAINED_ON in any order.
        rd('acme/chat-instructions', chatData.root),
      ],
      runKind: 'fine-tune',
      invocationId: runId('acme/finetune-coder/001'),
      builder: TRAINER,
      parameters: { method: 'full', epochs: 2 },
    }),
    { attests: [coder.id] },
  );
  edge('DERIVED_FROM', coder.id, foundation.id, { how: 'fine-tune' }, 'coder.finetune.slsa');
  edge('TRAINED_ON', coder.id, reviewData, {}, 'coder.finetune.slsa');
  edge('USED', coder.id, tokenizerFile, { role: 'input' }, 'coder.finetune.slsa');
  edge('TRAINED_ON', coder.id, chatData.id, {}, 'coder.finetune.slsa');
  produced(coder.id, coderRun, TRAINER, 'coder.finetune.slsa');

  // --- quantization and evaluation --------------------------------------------------------------------
  const int4 = oms(
    'model/chat-int4',
    'acme/foundation-7b-chat-int4',
    'Model',
    {
      'config.json': '{"architectures":["LlamaForCausalLM"],"quantization_config":{"bits":4,"method":"awq"}}',
      'model.safetensors': 'safetensors: acme/foundation-7b-chat-int4 weights (placeholder)',
    },
    'chat-int4.oms',
    'bundle',
    'hub',
  );
  const quantConfig = artifact('config/quantize', hex('bits: 4\ngroup_size: 128\nmethod: awq'), [], { name: 'quantize.yaml' });
  const quantRun = run('acme/quantize-chat-int4/001', 'quantization', TRAINER);
  const quantize = (baseRoot: string): Record<string, unknown> =>
    provenance({
      subjects: [{ name: 'acme/foundation-7b-chat-int4', digest: { sha256: int4.root } }],
      dependencies: [
        // No role: the digest of a model the graph knows, so a base model (DERIVED_FROM {how: quantization}).
        { name: 'acme/foundation-7b-chat', digest: { sha256: baseRoot } },
        rd('quantize.yaml', hexOf(quantConfig), 'config'),
      ],
      runKind: 'quantization',
      invocationId: runId('acme/quantize-chat-int4/001'),
      builder: TRAINER,
      parameters: { bits: 4 },
    });
  emit('chat-int4.quantize.slsa', 'bundle', 'pipeline', quantize(chat.root), { attests: [int4.id] });
  edge('DERIVED_FROM', int4.id, chat.id, { how: 'quantization' }, 'chat-int4.quantize.slsa');
  edge('USED', int4.id, quantConfig, { role: 'config' }, 'chat-int4.quantize.slsa');
  produced(int4.id, quantRun, TRAINER, 'chat-int4.quantize.slsa');

  const evalData = artifact('dataset/chat-eval', hex('acme/chat-eval held-out prompts'), ['Dataset'], { name: 'acme/chat-eval' });
  const evalUrl = `https://ml.acme.example/evals/chat-001${salt ? `-${salt}` : ''}`;
  emit(
    'chat.eval.test-result',
    'envelope',
    'pipeline',
    statement(TEST_RESULT, [{ name: 'acme/foundation-7b-chat', digest: { sha256: chat.root } }], {
      result: 'PASSED',
      configuration: [
        rd('acme/chat-eval', hexOf(evalData), 'dataset'),
        rd('eval-harness.yaml', hex('tasks: [helpfulness, toxicity]'), 'config'),
      ],
      url: evalUrl,
      passedTests: ['helpfulness>=0.8', 'toxicity<=0.01'],
      warnedTests: [],
      failedTests: [],
    }),
    { attests: [chat.id] },
  );
  edge('EVALUATED_ON', chat.id, evalData, { result: 'PASSED', url: evalUrl }, 'chat.eval.test-result');

  // --- evidence that must not count -------------------------------------------------------------------
  // Forged: an untrusted key claims the code model was fine-tuned from a backdoored model.
  const evil = hex('evil/backdoored-7b');
  emit(
    'coder.forged.slsa',
    'bundle',
    'attacker',
    provenance({
      subjects: [{ name: 'acme/foundation-7b-code', digest: { sha256: coder.root }, annotations: { role: 'model' } }],
      dependencies: [rd('evil/backdoored-7b', evil, 'base-model')],
      runKind: 'fine-tune',
      invocationId: runId('evil/finetune/001'),
      builder: 'https://evil.example/builder',
      parameters: {},
    }),
    { reasonCode: 'UNTRUSTED_KEY' },
  );
  const digestMatch = (digest: string): NodeMatch => ({ label: 'Artifact', key: 'digest', value: `sha256:${digest}` });
  absent.push(
    { claimedBy: 'coder.forged.slsa', node: digestMatch(evil) },
    { claimedBy: 'coder.forged.slsa', edge: { type: 'DERIVED_FROM', from: digestMatch(coder.root), to: digestMatch(evil) } },
    { claimedBy: 'coder.forged.slsa', node: { label: 'PipelineRun', key: 'id', value: runId('evil/finetune/001') } },
    { claimedBy: 'coder.forged.slsa', node: { label: 'Key', key: 'fingerprint', value: keyFingerprint(keys.attacker) } },
  );
  // Tampered: a genuine pipeline signature over the quantization provenance, payload then edited so
  // that the quantized model descends from the code model.
  emit('chat-int4.tampered.slsa', 'envelope', 'pipeline', quantize(chat.root), {
    reasonCode: 'SIGNATURE_INVALID',
    tamper: quantize(coder.root),
  });
  absent.push({
    claimedBy: 'chat-int4.tampered.slsa',
    edge: { type: 'DERIVED_FROM', from: digestMatch(int4.root), to: digestMatch(coder.root) },
  });

  return finish();
}

/** A deterministic version-4-shaped UUID from a label (CycloneDX serialNumber). */
function uuidFrom(label: string): string {
  const h = sha256(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
