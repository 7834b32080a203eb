// Every question the explorer asks, as GraphQL over `Request`. The documents are plain text marked /* GraphQL */ so
// that GraphQL Code Generator types their answers from the schema (operation-types.ts, `npm run codegen`); each is
// sent with the fragments it spreads. Page sizes are capped here and written into the query text (`withPage`).
import type { Request } from './api.ts';
import type {
  AffectedQuery,
  AffectedQueryVariables,
  ArtifactQuery,
  ArtifactQueryVariables,
  AttestationFieldsFragment,
  BomQuery,
  BomQueryVariables,
  LineageQuery,
  LineageQueryVariables,
  OpenIncidentsQuery,
  IncidentWorkloadsQuery,
  IncidentWorkloadsQueryVariables,
  SearchQuery,
  SearchQueryVariables,
  TraceQuery,
  TraceQueryVariables,
} from './operation-types.ts';
import { MAX_PAGE } from './operation-types.ts';
import type { AffectedNode, Artifact, Attestation, BomFormat, Compromised, Lineage, Page, SearchPage, Trace } from './types.ts';

export { MAX_PAGE };

/**
 * A document with its page size written in: the API prices a literal `first` at its value but a variable one at
 * the cap (src/api/query-limits.ts), and a trace page with paths costs 47 per node against a default limit of
 * 50,000. The documents declare `$first: Int!` last among their variables, so that their types are generated like
 * any other, and the value takes its place here.
 */
function withPage(document: string, first: number): string {
  const size = Math.max(1, Math.min(MAX_PAGE, Math.trunc(first)));
  return document.replace(', $first: Int!', '').replaceAll('$first', String(size));
}

const NODE_FIELDS = /* GraphQL */ `
  fragment NodeFields on GraphNode { kind key name }
`;

const SIGNER_FIELDS = /* GraphQL */ `
  fragment SignerFields on Signer { kind fingerprint subject issuer keyFingerprint }
`;

const ATTESTATION_FIELDS = /* GraphQL */ `
  fragment AttestationFields on Attestation { digest predicateType status reasonCode reason method origin
  collector receivedAt verifiedAt subjects signer { ...SignerFields } }
`;

const AFFECTED_FIELDS = /* GraphQL */ `
  fragment AffectedFields on AffectedNode { node { ...NodeFields } depth verified signers { ...SignerFields }
  path { type from { ...NodeFields } to { ...NodeFields } how verified evidence { attestation status } } }
`;

const FRAGMENTS: Readonly<Record<string, string>> = {
  NodeFields: NODE_FIELDS,
  SignerFields: SIGNER_FIELDS,
  AttestationFields: ATTESTATION_FIELDS,
  AffectedFields: AFFECTED_FIELDS,
};

/** An operation with the fragments it spreads, and theirs: GraphQL refuses a document with an unused fragment. */
export function withFragments(operation: string): string {
  const used: string[] = [];
  const visit = (text: string): void => {
    for (const [, name = ''] of text.matchAll(/\.\.\.(\w+)/g)) {
      if (used.includes(name)) continue;
      used.push(name);
      visit(FRAGMENTS[name] ?? '');
    }
  };
  visit(operation);
  return [operation, ...used.map((name) => FRAGMENTS[name] ?? '')].join('');
}

const SEARCH = /* GraphQL */ `
  query Search($text: String!, $after: String, $first: Int!) { search(text: $text, first: $first, after: $after)
  { totalCount truncated pageInfo { hasNextPage endCursor } edges { cursor node { match node { ...NodeFields }
  signer { ...SignerFields } signed attestation { digest status predicateType } } } } }
`;

export function search(request: Request, text: string, first: number, after: string | null): Promise<SearchPage> {
  const variables: Omit<SearchQueryVariables, 'first'> = { text, after };
  return request<SearchQuery>(withPage(withFragments(SEARCH), first), variables).then((data) => data.search);
}

const LINEAGE = /* GraphQL */ `
  query Lineage($digest: String!, $direction: LineageDirection!, $depth: Int!) { lineage(digest: $digest,
  direction: $direction, maxDepth: $depth) { root { ...NodeFields } nodes { kind key name depth direction }
  edges { type from { key } to { key } how role result verified evidence { attestation predicateType status
  signer { ...SignerFields } } } } }
`;

export function lineage(request: Request, digest: string, direction: string, maxDepth: number): Promise<Lineage | null> {
  // The form's select offers the schema's three directions; the API refuses anything else.
  const variables: LineageQueryVariables = {
    digest,
    direction: direction as LineageQueryVariables['direction'],
    depth: maxDepth,
  };
  return request<LineageQuery>(withFragments(LINEAGE), variables).then((data) => data.lineage);
}

const ARTIFACT = /* GraphQL */ `
  query Artifact($digest: String!) { artifact(digest: $digest) { digest name kinds signatureStatus files { path
  digest } attestations { ...AttestationFields } } }
`;

export function artifact(request: Request, digest: string): Promise<Artifact | null> {
  const variables: ArtifactQueryVariables = { digest };
  return request<ArtifactQuery>(withFragments(ARTIFACT), variables).then((data) => data.artifact);
}

const ARTIFACT_STATUS = /* GraphQL */ `
  fragment ArtifactStatus on Artifact { signatureStatus }
`;

/**
 * Several look-ups in one request, one aliased field each (`a0`, `a1`, …) selecting one fragment, digests passed as
 * variables. Chunked so no request grows without bound.
 */
async function batched<T>(
  request: Request,
  digests: readonly string[],
  field: 'attestation' | 'artifact',
  fragment: string,
  chunk = 50,
): Promise<Map<string, T | null>> {
  const name = /fragment (\w+)/.exec(fragment)?.[1] ?? '';
  const out = new Map<string, T | null>();
  const unique = [...new Set(digests)];
  for (let start = 0; start < unique.length; start += chunk) {
    const part = unique.slice(start, start + chunk);
    const params = part.map((_, i) => `$d${i}: String!`).join(', ');
    const fields = part.map((_, i) => `a${i}: ${field}(digest: $d${i}) { ...${name} }`).join('\n');
    const data = await request<Record<string, T | null>>(
      `query Batch(${params}) { ${fields} }${withFragments(fragment)}`,
      Object.fromEntries(part.map((d, i) => [`d${i}`, d])),
    );
    part.forEach((digest, i) => out.set(digest, data[`a${i}`] ?? null));
  }
  return out;
}

export function attestations(request: Request, digests: readonly string[]): Promise<Map<string, Attestation | null>> {
  return batched<AttestationFieldsFragment>(request, digests, 'attestation', ATTESTATION_FIELDS);
}

/** Whether verified evidence covers each artifact: drawn nodes without it are marked unsigned. */
export async function signatureStatuses(request: Request, digests: readonly string[]): Promise<Map<string, string>> {
  const found = await batched<{ signatureStatus: string }>(request, digests, 'artifact', ARTIFACT_STATUS);
  return new Map([...found].map(([digest, value]) => [digest, value?.signatureStatus ?? 'UNKNOWN']));
}

export interface TraceOptions {
  readonly maxDepth: number;
  readonly verifiedOnly: boolean;
}

const TRACE = /* GraphQL */ `
  query Trace($c: CompromisedInput!, $depth: Int!, $verifiedOnly: Boolean!, $after: String, $first: Int!) {
  incidentTrace(compromised: $c, maxDepth: $depth, verifiedOnly: $verifiedOnly, first: $first, after: $after) {
  compromised { ...NodeFields } summary { total byKind { kind count } byDepth { depth count } } affected {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...AffectedFields } } } } }
`;

export function trace(
  request: Request,
  compromised: Compromised,
  options: TraceOptions,
  first: number,
  after: string | null,
): Promise<Trace> {
  const variables: Omit<TraceQueryVariables, 'first'> = {
    c: compromised,
    depth: options.maxDepth,
    verifiedOnly: options.verifiedOnly,
    after,
  };
  return request<TraceQuery>(withPage(withFragments(TRACE), first), variables).then((data) => data.incidentTrace);
}

const AFFECTED = /* GraphQL */ `
  query Affected($c: CompromisedInput!, $depth: Int!, $verifiedOnly: Boolean!, $after: String, $first: Int!) {
  incidentTrace(compromised: $c, maxDepth: $depth, verifiedOnly: $verifiedOnly, first: $first, after: $after) {
  affected { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...AffectedFields } } } } }
`;

/** One page of a trace's affected list (the summary is not asked again). */
export function affectedPage(
  request: Request,
  compromised: Compromised,
  options: TraceOptions,
  first: number,
  after: string | null,
): Promise<Page<AffectedNode>> {
  const variables: Omit<AffectedQueryVariables, 'first'> = {
    c: compromised,
    depth: options.maxDepth,
    verifiedOnly: options.verifiedOnly,
    after,
  };
  return request<AffectedQuery>(withPage(withFragments(AFFECTED), first), variables).then((data) => data.incidentTrace.affected);
}

const BOM = /* GraphQL */ `
  query Bom($digest: String!, $format: BomFormat!) { aiBom(digest: $digest, format: $format) }
`;

export function aiBom(request: Request, digest: string, format: BomFormat): Promise<unknown> {
  const variables: BomQueryVariables = { digest, format };
  return request<BomQuery>(BOM, variables).then((data) => data.aiBom);
}

const OPEN_INCIDENTS = /* GraphQL */ `
  query OpenIncidents { incidents(state: OPEN, first: 100) {
  id title openedAt openedBy covers { kind digest purl versionRange issuer subject fingerprint } } }
`;

export type StoredIncident = OpenIncidentsQuery['incidents'][number];

/** The open stored incidents (docs/DEPLOY-GATE.md, "Incidents"), newest first. */
export function openIncidents(request: Request): Promise<StoredIncident[]> {
  return request<OpenIncidentsQuery>(OPEN_INCIDENTS, {}).then((data) => [...data.incidents]);
}

const INCIDENT_WORKLOADS = /* GraphQL */ `
  query IncidentWorkloads($id: ID!) { incidentWorkloads(id: $id) { namespace kind name modelDigest admittedAt } }
`;

export type AdmittedWorkload = IncidentWorkloadsQuery['incidentWorkloads'][number];

/** Admitted workloads whose model an incident affects (docs/DEPLOY-GATE.md, "Continuous checking"). */
export function incidentWorkloads(request: Request, id: string): Promise<AdmittedWorkload[]> {
  const variables: IncidentWorkloadsQueryVariables = { id };
  return request<IncidentWorkloadsQuery>(INCIDENT_WORKLOADS, variables).then((data) => [...data.incidentWorkloads]);
}
