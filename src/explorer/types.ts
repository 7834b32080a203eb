// The answers the explorer reads, by the names its views use: each is the type GraphQL Code Generator made from the
// query in queries.ts that asks for it (operation-types.ts), so a type says exactly what was selected.
import type {
  AffectedFieldsFragment,
  ArtifactQuery,
  AttestationFieldsFragment,
  LineageQuery,
  NodeFieldsFragment,
  SearchQuery,
  SignerFieldsFragment,
  TraceQuery,
} from './operation-types.ts';

export type { AttestationStatus as Status, BomFormat, NodeKind } from './operation-types.ts';

export type NodeRef = NodeFieldsFragment;
export type Signer = SignerFieldsFragment;
export type Attestation = AttestationFieldsFragment;
export type Artifact = NonNullable<ArtifactQuery['artifact']>;

export type Lineage = NonNullable<LineageQuery['lineage']>;
export type LineageNode = Lineage['nodes'][number];
export type LineageEdge = Lineage['edges'][number];
export type Evidence = LineageEdge['evidence'][number];

export type AffectedNode = AffectedFieldsFragment;
export type TraceHop = AffectedNode['path'][number];
export type Trace = TraceQuery['incidentTrace'];
export type TraceSummary = Trace['summary'];

/** A page of any connection (`XConnection`: edges with cursors, pageInfo, totalCount). */
export interface Page<T> {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
}

export type SearchPage = SearchQuery['search'];
export type SearchHit = SearchPage['edges'][number]['node'];

/** What incidentTrace's `compromised` argument takes: exactly one field (queries.ts checks it against the schema's). */
export type Compromised =
  | { readonly artifact: string }
  | { readonly package: { readonly purl: string; readonly versionRange?: string } }
  | { readonly identity: { readonly issuer: string; readonly subject: string } }
  | { readonly key: string };
