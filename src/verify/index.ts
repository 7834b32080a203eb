// The public door of src/verify: what other domains use (ingest verifies and reads the result types; the composition
// root loads the trust policy; the CLI runs the offline commands). Offline once trust material is loaded; nothing
// here reaches the network. Tests reach the rooms (document/, signers/, keyless/, oms/, policy/) by path.

export { verifyDocument } from './verify.ts';
export type { VerifyOptions } from './verify.ts';
export { loadTrustPolicy, EMPTY_TRUST_POLICY } from './policy/policy.ts';
export { TrustPolicyStore } from './policy/store.ts';
export { VerifyError } from './error.ts';
export type { VerifyErrorCode } from './error.ts';
export type {
  OmsManifest,
  RejectionCode,
  Signer,
  Statement,
  TrustPolicy,
  VerificationMethod,
  VerificationResult,
} from './types.ts';

// the offline commands `mpg verify-model` and `mpg verify-bundle`
export { runVerifyModel, VERIFY_MODEL_HELP } from './conformance-adapter.ts';
export { runVerifyBundle, VERIFY_BUNDLE_USAGE as VERIFY_BUNDLE_HELP } from './verify-bundle-command.ts';
