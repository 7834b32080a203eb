// The run kind from every signal real provenance carries, and the names people use for models, datasets and source
// (docs/LINEAGE.md, "Run kind", "Names"), read from descriptors shaped as GitHub, Hugging Face and pipelines write them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceOf } from '../../src/ingest/extract/reference.ts';
import { runKindOf } from '../../src/ingest/extract/run-kind.ts';

const GITHUB = 'https://actions.github.io/buildtypes/workflow/v1';
const RUNNER = 'https://github.com/actions/runner/github-hosted';
const workflow = (path: string) => ({ workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/ml', path } });

describe('run kind', () => {
  it('reads externalParameters.runKind first, then method, task, stage, type', () => {
    assert.equal(runKindOf({ runKind: 'quantization', method: 'lora' }, GITHUB, RUNNER), 'quantization');
    assert.equal(runKindOf({ method: 'lora' }, GITHUB, RUNNER), 'fine-tune');
    assert.equal(runKindOf({ task: 'distillation' }, GITHUB, RUNNER), 'distillation');
    assert.equal(runKindOf({ stage: 'export-onnx' }, GITHUB, RUNNER), 'conversion');
    assert.equal(runKindOf({ type: 'SFT' }, GITHUB, RUNNER), 'fine-tune');
  });

  it('then the buildType, the builder id and the workflow path', () => {
    assert.equal(runKindOf({}, 'https://ml.example.com/pipelines/preprocessing/v1', RUNNER), 'preprocessing');
    assert.equal(
      runKindOf(workflow('.github/workflows/release.yml'), GITHUB, 'https://builders.acme.dev/quantize'),
      'quantization',
    );
    assert.equal(runKindOf(workflow('.github/workflows/train.yml'), GITHUB, RUNNER), 'training');
    assert.equal(runKindOf(workflow('.github/workflows/fine-tune-llama.yml'), GITHUB, RUNNER), 'fine-tune');
  });

  it('is unknown when no signal names a kind, never training', () => {
    assert.equal(runKindOf(workflow('.github/workflows/build-data.yml'), GITHUB, RUNNER), 'unknown');
    assert.equal(runKindOf(null, 'atlas-cli:0.3.0', 'https://github.com/IntelLabs/atlas-cli'), 'unknown');
    // words, not substrings: "constraint" holds "train", "workflow" nothing
    assert.equal(runKindOf({ type: 'constraint-check' }, GITHUB, RUNNER), 'unknown');
  });
});

describe('names', () => {
  const rev = '0b7c2a4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c';

  it('a Hugging Face purl, hf:// and https URIs name one node, the revision from the URI or the gitCommit', () => {
    const expected = { key: `pkg:huggingface/acme/base-7b@${rev}`, name: 'acme/Base-7B', source: 'huggingface', dataset: false };
    assert.deepEqual(referenceOf({ uri: `pkg:huggingface/acme/Base-7B@${rev}` }), expected);
    assert.deepEqual(referenceOf({ uri: 'pkg:huggingface/acme/Base-7B', digest: { gitCommit: rev } }), expected);
    assert.deepEqual(referenceOf({ uri: `hf://acme/Base-7B@${rev}` }), expected);
    assert.deepEqual(referenceOf({ uri: 'https://huggingface.co/acme/Base-7B', digest: { gitCommit: rev } }), expected);
    assert.deepEqual(referenceOf({ uri: `https://huggingface.co/acme/Base-7B/tree/${rev}` }), expected);
  });

  it('a Hugging Face dataset repository is a dataset', () => {
    assert.deepEqual(referenceOf({ uri: 'hf://datasets/acme/corpus', digest: { gitCommit: rev } }), {
      key: `pkg:huggingface/datasets/acme/corpus@${rev}`,
      name: 'acme/corpus',
      source: 'huggingface',
      dataset: true,
    });
  });

  it('a git URI with a gitCommit is the repository at that commit, whatever ref the URI names', () => {
    for (const uri of [
      'git+https://github.com/acme/ml@refs/heads/main',
      'https://github.com/acme/ml.git',
      'git@github.com:acme/ml.git',
    ]) {
      assert.equal(referenceOf({ uri, digest: { gitCommit: rev } })?.key, `pkg:github/acme/ml@${rev}`, uri);
    }
    assert.equal(
      referenceOf({ uri: 'git+https://git.example.com/ml/train.git', digest: { gitCommit: rev } })?.key,
      `pkg:generic/git.example.com/ml/train@${rev}`,
    );
  });

  it('no revision, no fixed content: not a name', () => {
    assert.equal(referenceOf({ uri: 'https://huggingface.co/acme/base' }), null);
    assert.equal(referenceOf({ uri: 'git+https://github.com/acme/ml@refs/heads/main' }), null);
    assert.equal(referenceOf({ uri: 'pkg:pypi/torch@2.5.1' }), null);
  });
});
