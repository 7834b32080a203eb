// The plain-data middle of ingestion: what one attestation tells the graph, with no driver types
// and no raw documents beyond the kept original. Ingest builds these; `writeAttestation` stores them.

/** `algorithm:hex`, lower case, e.g. `sha256:9f86…`. The identity of every artifact node. */
export type DigestString = string;

export type AttestationStatus = 'verified' | 'rejected';

export type SignerRef =
  | { readonly kind: 'key'; readonly fingerprint: string }
  | { readonly kind: 'identity'; readonly issuer: string; readonly subject: string }
  | {
      readonly kind: 'certificate';
      readonly fingerprint: string;
      readonly subject: string;
      readonly issuer: string;
      readonly keyFingerprint: string;
    };

export interface AttestationRecord {
  /** `sha256:<hex>` of the submitted document's bytes. */
  readonly digest: DigestString;
  readonly predicateType: string | null;
  readonly status: AttestationStatus;
  /** rejection code, null when verified. */
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly method: string | null;
  readonly signer: SignerRef | null;
  /** where the document came from (a URL, a file name, an uploader) — provenance of provenance. */
  readonly origin: string;
  /** how it arrived (`http`, `cli`, …). */
  readonly collector: string;
  readonly receivedAt: string;
  /** the original document text, kept so any decision can be re-checked later. */
  readonly document: string;
  /** subject digests the document claims; kept on rejected attestations for the record, never linked. */
  readonly claimedSubjects: readonly DigestString[];
}

export type ArtifactLabel = 'Model' | 'Dataset' | 'File';

export interface ArtifactFact {
  readonly digest: DigestString;
  readonly labels: readonly ArtifactLabel[];
  /** a human name when the evidence gives one (OMS subject name, SLSA resource name). */
  readonly name?: string;
}

export interface ContainsFact {
  readonly parent: DigestString;
  readonly child: DigestString;
  readonly path: string;
  /** byte range for OMS shards. */
  readonly start?: number;
  readonly end?: number;
}

/** Everything one attestation writes, in one transaction. A rejected attestation carries no artifacts or edges. */
export interface AttestationFacts {
  readonly attestation: AttestationRecord;
  readonly artifacts: readonly ArtifactFact[];
  readonly contains: readonly ContainsFact[];
  /** digests of artifacts the attestation is about (ATTESTS edges). */
  readonly attests: readonly DigestString[];
}
