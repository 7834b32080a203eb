// The public door of src/verify: what other domains use (ingest verifies and reads the result types; the composition
// root loads the trust policy; the CLI runs the offline commands). Offline once trust material is loaded; nothing
// here reaches the network. Tests reach the rooms (document/, signers/, keyless/, oms/, policy/, atlas/) by path.

export { verifyDocument, documentMethod } from './verify.ts';
export type { VerifyOptions } from './verify.ts';
export { DEFAULT_LIMITS } from './document/limits.ts';
export type { Limits } from './document/limits.ts';

// parsing at the edge
export { parseDocument, BUNDLE_MEDIA_TYPES } from './document/bundle.ts';
export type { Document, Material, BundleVersion } from './document/bundle.ts';
export { parseEnvelope, isInTotoPayloadType } from './document/envelope.ts';
export type { Envelope } from './document/envelope.ts';
export { decodeStatement, STATEMENT_V1, STATEMENT_V01 } from './document/statement.ts';
export { pae } from './signers/dsse.ts';

// OMS
export { computeOmsRootDigest, parseOmsManifest, OMS_PREDICATE_V1, OMS_PREDICATE_LEGACY } from './oms/manifest.ts';
export { isOmsPredicateType, OTHER_PREDICATE_TYPES, SLSA_PROVENANCE_V1 } from './document/predicates.ts';
export { verifyModelFiles } from './oms/model-files.ts';
export type { ModelFilesOptions, ModelFilesResult } from './oms/model-files.ts';

// Atlas CLI manifests (atlas/statement.ts, atlas/standalone.ts)
export { C2PA_PREDICATE } from './atlas/statement.ts';
export { ATLAS_STANDALONE } from './atlas/standalone.ts';

// trust policy
export { loadTrustPolicy, EMPTY_TRUST_POLICY } from './policy/policy.ts';
export { TrustPolicyStore } from './policy/store.ts';
export type { TrustPolicyStoreOptions } from './policy/store.ts';
export { matchesScope } from './policy/scope.ts';
export { keyFileKind } from './policy/material.ts';
export type { KeyFileKind } from './policy/material.ts';
export { trustFromChainFiles } from './policy/chain-files.ts';
export type { ChainFile, ChainFileTrust } from './policy/chain-files.ts';

// keyless (keyless/keyless.ts), and any Sigstore bundle against an artifact (keyless/sigstore-bundle.ts); both load
// their Sigstore libraries on first use (keyless/lazy.ts)
export { verifyKeyless, verifySigstoreBundle } from './keyless/lazy.ts';
export type { SigstoreBundleResult, SigstoreBundleOptions } from './keyless/sigstore-bundle.ts';

export { VerifyError } from './error.ts';
export type { VerifyErrorCode } from './error.ts';
export type { Check, Failure } from './check.ts';
export type * from './types.ts';
