// The Atlas CLI fixtures (test/fixtures/atlas, made by scripts/fixtures/make-atlas.sh): documents, keys, the trust
// policy that trusts the two signing teams, and the URNs Atlas gave each manifest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTrustPolicy } from '../../src/verify/index.ts';
import type { TrustPolicy } from '../../src/verify/index.ts';
import { REPO_ROOT } from './paths.ts';

export const ATLAS_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/atlas');
export const ATLAS_POLICY_FILE = path.join(ATLAS_FIXTURES, 'trust-policy.json');

export type AtlasDocumentName =
  | 'dataset-raw'
  | 'dataset-train'
  | 'dataset-finetune'
  | 'dataset-eval'
  | 'dataset-unrelated'
  | 'software-train'
  | 'base-model'
  | 'base-model.oms'
  | 'finetuned-model'
  | 'finetuned-model.oms'
  | 'finetuned-model.relinked'
  | 'evaluation-base'
  | 'evaluation-finetuned'
  | 'finetune-run.slsa'
  | 'unsigned-dataset'
  | 'base-model.oms-stored'
  | 'untrusted-dataset';

/** A document's bytes; `dataset.cbor.hex` is read with atlasFile. */
export const atlasDocument = (name: AtlasDocumentName): Buffer =>
  readFileSync(path.join(ATLAS_FIXTURES, 'documents', `${name}.json`));

export const atlasFile = (relative: string): Buffer => readFileSync(path.join(ATLAS_FIXTURES, relative));

export const atlasKey = (name: 'ml-team' | 'eval-team' | 'untrusted', part: 'key' | 'pub'): string =>
  readFileSync(path.join(ATLAS_FIXTURES, 'keys', `${name}-${part}.pem`), 'utf8');

export const atlasPolicy = (): TrustPolicy => loadTrustPolicy(ATLAS_POLICY_FILE);

export const ATLAS_URNS = (
  JSON.parse(readFileSync(path.join(ATLAS_FIXTURES, 'urns.json'), 'utf8')) as {
    urns: Record<
      | 'rawDataset'
      | 'trainingSet'
      | 'fineTuningSet'
      | 'evaluationSet'
      | 'unrelatedDataset'
      | 'software'
      | 'baseModel'
      | 'fineTunedModel'
      | 'fineTunedModelOms'
      | 'baseEvaluation'
      | 'fineTunedEvaluation',
      string
    >;
  }
).urns;
