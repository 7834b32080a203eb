// Small internal types the verifier produces. Raw bundles and envelopes never leave src/verify:
// everything downstream (ingest, graph) sees only these shapes.

/** A content digest, lower-case hex. `algorithm` is the in-toto DigestSet key (sha256, sha384, sha512, blake2b, blake3, …). */
export interface Digest {
  readonly algorithm: string;
  readonly hex: string;
}

/** in-toto ResourceDescriptor as used for Statement subjects (in-toto Statement v1). */
export interface Subject {
  readonly name: string;
  /** DigestSet: algorithm → lower-case hex. */
  readonly digest: Readonly<Record<string, string>>;
  /** ResourceDescriptor annotations, e.g. `role` (docs/LINEAGE.md). */
  readonly annotations?: Readonly<Record<string, unknown>>;
}

/**
 * in-toto Statement v1 (or v0.1), parsed and narrowed. The predicate stays `unknown` until a predicate parser claims it.
 * A standalone Atlas manifest has no statement: verification gives it one (`type` ATLAS_STANDALONE) whose subject is
 * its root digest and whose predicate is its signed claim.
 */
export interface Statement {
  readonly type: string;
  readonly predicateType: string;
  readonly subjects: readonly Subject[];
  readonly predicate: unknown;
}

/** Who signed, as far as verification could establish it. */
export type Signer =
  | {
      readonly kind: 'key';
      /** lower-case hex SHA-256 of the DER SubjectPublicKeyInfo. */
      readonly fingerprint: string;
      /** the id the trust policy gives this key, if any. */
      readonly keyId?: string;
    }
  | {
      readonly kind: 'certificate';
      /** leaf subject DN as node:crypto prints it. */
      readonly subject: string;
      readonly issuer: string;
      /** lower-case hex SHA-256 of the leaf DER. */
      readonly fingerprint: string;
      /** lower-case hex SHA-256 of the leaf's SPKI DER, so key-based incident traces also find certificate signers. */
      readonly keyFingerprint: string;
    }
  | {
      readonly kind: 'keyless';
      /** OIDC issuer from the Fulcio certificate extension. */
      readonly issuer: string;
      /** SAN of the Fulcio certificate (email or URI). */
      readonly subject: string;
    };

/** How the signature was checked. */
export type VerificationMethod = 'key' | 'certificate' | 'keyless';

/** Rejection codes: one per reason a piece of evidence is not trusted. Tests assert these, never messages. */
export type RejectionCode =
  // shape of the input
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MALFORMED_BUNDLE'
  | 'MALFORMED_ENVELOPE'
  | 'NO_SIGNATURE'
  | 'MULTIPLE_SIGNATURES'
  | 'UNSUPPORTED_PAYLOAD_TYPE'
  | 'MALFORMED_STATEMENT'
  | 'UNSUPPORTED_STATEMENT_TYPE'
  | 'NO_SUBJECT'
  | 'MULTIPLE_SUBJECTS'
  | 'UNSUPPORTED_PREDICATE'
  | 'MALFORMED_PREDICATE'
  /** the document exceeds an input limit (limits.ts: JSON depth, subjects, OMS resources, SLSA dependencies). */
  | 'LIMIT_EXCEEDED'
  /** hex-encoded CBOR (Atlas CLI `--encoding cbor`): only JSON documents are read. */
  | 'UNSUPPORTED_ENCODING'
  /** a standalone C2PA manifest (Atlas CLI) lacks a field or has one of the wrong type. */
  | 'MALFORMED_MANIFEST'
  /** a standalone C2PA manifest (Atlas CLI) whose claim carries no signature. */
  | 'MANIFEST_UNSIGNED'
  // signature and trust
  | 'SIGNATURE_INVALID'
  | 'UNTRUSTED_KEY'
  | 'UNSUPPORTED_KEY'
  | 'CERTIFICATE_CHAIN_INVALID'
  | 'CERTIFICATE_UNTRUSTED'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_USAGE_INVALID'
  /** a certificate of the chain carries a critical extension (or a name constraint form) the verifier does not process (RFC 5280 §4.2). */
  | 'CERTIFICATE_UNSUPPORTED_CRITICAL_EXTENSION'
  /** a name of a certificate lies outside the name constraints of a CA above it (RFC 5280 §4.2.1.10). */
  | 'CERTIFICATE_NAME_NOT_PERMITTED'
  | 'IDENTITY_MISMATCH'
  | 'TLOG_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'NO_TRUST_MATERIAL'
  // OMS payload
  | 'ROOT_DIGEST_MISMATCH'
  | 'RESOURCE_NAME_INVALID'
  | 'RESOURCES_EMPTY'
  | 'DUPLICATE_RESOURCE'
  | 'UNSUPPORTED_HASH_ALGORITHM'
  | 'SHARD_INVALID'
  // files on disk
  | 'FILE_MISSING'
  | 'FILE_EXTRA'
  | 'FILE_DIGEST_MISMATCH'
  | 'SYMLINK_NOT_ALLOWED'
  | 'PATH_ESCAPES_ROOT';

/** One file (or shard) of an OMS manifest. */
export interface OmsResource {
  /** path relative to the model root, '/'-separated; shards keep their `path:start:end` name in `name` and are split below. */
  readonly name: string;
  readonly path: string;
  /** byte range of a shard, absent for whole files. */
  readonly shard?: { readonly start: number; readonly end: number };
  readonly algorithm: string;
  readonly hex: string;
}

/** The serialization parameters of an OMS manifest (predicate.serialization). */
export interface OmsSerialization {
  readonly method: 'files' | 'shards';
  readonly hashType: string;
  readonly allowSymlinks: boolean;
  readonly shardSize?: number;
  readonly ignorePaths: readonly string[];
}

/** An OMS model signature's payload after the root digest was recomputed and every resource name checked. */
export interface OmsManifest {
  /** `https://model_signing/signature/v1.0` or the legacy `https://model_signing/Digests/v0.1`. */
  readonly predicateType: string;
  /** subject name: the model's name as the signer gave it. */
  readonly name: string;
  /** root digest from the subject, checked against the resources. */
  readonly rootDigest: Digest;
  readonly resources: readonly OmsResource[];
  readonly serialization: OmsSerialization;
}

/** What an Atlas CLI manifest is about (its CreativeWork assertion's `@type`). */
export type AtlasKind = 'model' | 'dataset' | 'software' | 'evaluation';

/** One file of an Atlas manifest (a C2PA ingredient with its hash). */
export interface AtlasIngredient {
  readonly title: string;
  /** the file's location as Atlas recorded it (`data.url` without `file://`). */
  readonly path: string;
  readonly digest: Digest;
}

/** A link to another manifest: a C2PA cross-reference (`manifest_url`, `manifest_hash`), or an evaluation's id. */
export interface AtlasLink {
  /** `urn:c2pa:<uuid>`: the linked manifest's `instance_id`. */
  readonly urn: string;
  /** the digest of the linked manifest's JSON (Atlas: compact serde_json), when the link pins one. */
  readonly manifestDigest?: Digest;
}

/**
 * A verified Atlas CLI manifest (C2PA 2.2 as Atlas writes it; docs/VERIFICATION.md, "Atlas CLI"). Everything here
 * is covered by the signature except what the field comments say otherwise.
 */
export interface AtlasManifest {
  /** `oms`: the manifest is the predicate of a signed in-toto statement; `standalone`: only its claim is signed. */
  readonly form: 'oms' | 'standalone';
  readonly kind: AtlasKind;
  /** a signed name: the statement subject's (OMS form) or the claim's action parameters' (software, evaluation). */
  readonly name?: string;
  /** Atlas's own identity of the files: the hash over the ingredients' digests sorted by lower-cased title. */
  readonly root: Digest;
  readonly ingredients: readonly AtlasIngredient[];
  /** the manifest's `instance_id`, which links name; signed in the OMS form only. */
  readonly urn: string;
  /** cross-references inside the signature (OMS form only; standalone ones are in `unsignedLinks`). */
  readonly links: readonly AtlasLink[];
  /** an evaluation's `model_id` and `dataset_id`, signed in its claim. */
  readonly evaluation?: { readonly model: AtlasLink; readonly dataset: AtlasLink };
  /** SHA-256/384/512 of the manifest's compact JSON, how a cross-reference pins it (standalone form only). */
  readonly manifestDigests: readonly Digest[];
  /** NOT SIGNED: a standalone manifest's cross-references, which anyone can rewrite; kept for the record only. */
  readonly unsignedLinks: readonly AtlasLink[];
}

interface ResultBase {
  /** lower-case hex SHA-256 of the submitted document's bytes: the attestation's identity. */
  readonly documentDigest: string;
  /** what the document claimed to be, as far as parsing got. */
  readonly predicateType?: string;
}

export interface Verified extends ResultBase {
  readonly status: 'verified';
  readonly method: VerificationMethod;
  readonly signer: Signer;
  readonly statement: Statement;
  /** present when the predicate is an OMS signature. */
  readonly oms?: OmsManifest;
  /** present for an Atlas CLI manifest, standalone or as a C2PA predicate. */
  readonly atlas?: AtlasManifest;
}

export interface Rejected extends ResultBase {
  readonly status: 'rejected';
  readonly code: RejectionCode;
  /** one human sentence naming what was wrong (a file, a field, a certificate). */
  readonly message: string;
  readonly method?: VerificationMethod;
  /** the claimed statement, when it could be decoded: kept for the record, never linked as trusted. */
  readonly statement?: Statement;
}

/** A failed verification is a value, not an exception. Exceptions are for infrastructure faults only. */
export type VerificationResult = Verified | Rejected;

/** Optional scope: glob patterns over the artifact (subject) name a trust entry applies to; absent = any artifact. */
export type Scope = readonly string[] | undefined;

/** A message digest an ECDSA signature may be computed over. */
export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

export interface TrustedKey {
  readonly id: string;
  /** PEM SubjectPublicKeyInfo. */
  readonly pem: string;
  readonly scope?: Scope;
  /**
   * ECDSA only: the hash signatures under this key are computed with. Absent = by curve (P-256 → SHA-256,
   * P-384 → SHA-384, P-521 → SHA-512). Atlas CLI signs with SHA-384 whatever the curve (docs/TRUST-POLICY.md).
   */
  readonly hash?: SignatureHash;
}

export interface TrustedAnchor {
  readonly id: string;
  /** PEM certificate of a root (or pinned intermediate) CA. */
  readonly pem: string;
  readonly scope?: Scope;
}

export interface TrustedIdentity {
  /** OIDC issuer, compared exactly. */
  readonly issuer: string;
  /** certificate SAN, compared exactly … */
  readonly subject?: string;
  /** … or matched against this anchored regular expression. Exactly one of subject / subjectPattern. */
  readonly subjectPattern?: string;
  readonly scope?: Scope;
}

/** Everything verification trusts, loaded once (from the trust-policy file) and used offline. */
export interface TrustPolicy {
  readonly keys: readonly TrustedKey[];
  readonly anchors: readonly TrustedAnchor[];
  readonly identities: readonly TrustedIdentity[];
  /** Sigstore TrustedRoot JSON (protobuf-JSON) for keyless verification; absent = keyless evidence is rejected with NO_TRUST_MATERIAL. */
  readonly sigstoreTrustedRoot?: unknown;
}
