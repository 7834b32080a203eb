// The shapes of the GraphQL answers the explorer reads (schema/*.graphql), as the queries in queries.ts select them.
export type NodeKind = 'MODEL' | 'DATASET' | 'FILE' | 'PACKAGE' | 'RUN' | 'BUILDER' | 'ARTIFACT';
export type Status = 'VERIFIED' | 'REJECTED';

export interface NodeRef {
  readonly kind: NodeKind;
  readonly key: string;
  readonly name: string | null;
}

export interface Signer {
  readonly kind: 'KEY' | 'CERTIFICATE' | 'IDENTITY';
  readonly fingerprint: string | null;
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly keyFingerprint: string | null;
}

export interface Evidence {
  readonly attestation: string;
  readonly predicateType: string | null;
  readonly status: Status;
  readonly signer: Signer | null;
}

export interface LineageNode extends NodeRef {
  readonly depth: number;
  readonly direction: 'ROOT' | 'UPSTREAM' | 'DOWNSTREAM';
}

export interface LineageEdge {
  readonly type: string;
  readonly from: { readonly key: string };
  readonly to: { readonly key: string };
  readonly how: string | null;
  readonly role: string | null;
  readonly result: string | null;
  readonly verified: boolean;
  readonly evidence: readonly Evidence[];
}

export interface Lineage {
  readonly root: NodeRef;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

export interface Attestation {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly status: Status;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly method: string | null;
  readonly signer: Signer | null;
  readonly origin: string;
  readonly collector: string;
  readonly receivedAt: string;
  readonly verifiedAt: string;
  readonly subjects: readonly string[];
}

export interface Artifact {
  readonly digest: string;
  readonly name: string | null;
  readonly kinds: readonly string[];
  readonly signatureStatus: 'VERIFIED' | 'UNSIGNED';
  readonly files: readonly { readonly path: string; readonly digest: string }[];
  readonly attestations: readonly Attestation[];
}

export interface TraceHop {
  readonly type: string;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly how: string | null;
  readonly verified: boolean;
  readonly evidence: readonly { readonly attestation: string; readonly status: Status }[];
}

export interface AffectedNode {
  readonly node: NodeRef;
  readonly depth: number;
  readonly verified: boolean;
  readonly signers: readonly Signer[];
  readonly path: readonly TraceHop[];
}

export interface Page<T> {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
}

export interface TraceSummary {
  readonly total: number;
  readonly byKind: readonly { readonly kind: NodeKind; readonly count: number }[];
  readonly byDepth: readonly { readonly depth: number; readonly count: number }[];
}

export interface Trace {
  readonly compromised: readonly NodeRef[];
  readonly summary: TraceSummary;
  readonly affected: Page<AffectedNode>;
}

/** What incidentTrace's `compromised` argument takes: exactly one field. */
export type Compromised =
  | { readonly artifact: string }
  | { readonly package: { readonly purl: string; readonly versionRange?: string } }
  | { readonly identity: { readonly issuer: string; readonly subject: string } }
  | { readonly key: string };

export interface SearchHit {
  readonly match: 'DIGEST' | 'NAME' | 'PACKAGE' | 'SIGNER' | 'ATTESTATION';
  readonly node: NodeRef | null;
  readonly signer: Signer | null;
  readonly signed: number | null;
  readonly attestation: { readonly digest: string; readonly status: Status; readonly predicateType: string | null } | null;
}

export type SearchPage = Page<SearchHit> & { readonly truncated: boolean };

export type BomFormat = 'CYCLONEDX_1_6' | 'CYCLONEDX_1_7' | 'SPDX_3_0_1';
