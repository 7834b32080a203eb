// Every question the explorer asks, as GraphQL over `Request`. Page sizes are literals or capped here: the API
// refuses a `first` above 1000 and prices a variable `first` at that cap (src/api/query-limits.ts).
import type { Request } from './api.ts';
import type { AffectedNode, Artifact, Attestation, BomFormat, Compromised, Lineage, Page, SearchPage, Trace } from './types.ts';

/** The API's largest page (src/api/resolvers/pagination.ts). */
export const MAX_PAGE = 1000;

/**
 * A page size written into the query text: the API prices a literal `first` at its value but a variable one at
 * the cap, and a trace page with paths costs 46 per node against a default limit of 50,000.
 */
function pageSize(first: number): number {
  return Math.max(1, Math.min(MAX_PAGE, Math.trunc(first)));
}

const SIGNER = 'signer { kind fingerprint subject issuer keyFingerprint }';
const NODE = 'kind key name';
const ATTESTATION = `digest predicateType status reasonCode reason method origin collector receivedAt verifiedAt subjects ${SIGNER}`;

export function search(request: Request, text: string, first: number, after: string | null): Promise<SearchPage> {
  return request<{ search: SearchPage }>(
    `query Search($text: String!, $after: String) {
      search(text: $text, first: ${pageSize(first)}, after: $after) {
        totalCount truncated pageInfo { hasNextPage endCursor }
        edges { cursor node { match node { ${NODE} } ${SIGNER} signed attestation { digest status predicateType } } }
      }
    }`,
    { text, after },
  ).then((data) => data.search);
}

export function lineage(request: Request, digest: string, direction: string, maxDepth: number): Promise<Lineage | null> {
  return request<{ lineage: Lineage | null }>(
    `query Lineage($digest: String!, $direction: LineageDirection!, $depth: Int!) {
      lineage(digest: $digest, direction: $direction, maxDepth: $depth) {
        root { ${NODE} }
        nodes { ${NODE} depth direction }
        edges { type from { key } to { key } how role result verified
          evidence { attestation predicateType status ${SIGNER} } }
      }
    }`,
    { digest, direction, depth: maxDepth },
  ).then((data) => data.lineage);
}

export function artifact(request: Request, digest: string): Promise<Artifact | null> {
  return request<{ artifact: Artifact | null }>(
    `query Artifact($digest: String!) {
      artifact(digest: $digest) { digest name kinds signatureStatus files { path digest } attestations { ${ATTESTATION} } }
    }`,
    { digest },
  ).then((data) => data.artifact);
}

/**
 * Several look-ups in one request, one aliased field each (`a0`, `a1`, …), digests passed as variables.
 * Chunked so no request grows without bound.
 */
async function batched<T>(
  request: Request,
  digests: readonly string[],
  field: string,
  selection: string,
  chunk = 50,
): Promise<Map<string, T | null>> {
  const out = new Map<string, T | null>();
  const unique = [...new Set(digests)];
  for (let start = 0; start < unique.length; start += chunk) {
    const part = unique.slice(start, start + chunk);
    const params = part.map((_, i) => `$d${i}: String!`).join(', ');
    const fields = part.map((_, i) => `a${i}: ${field}(digest: $d${i}) { ${selection} }`).join('\n');
    const data = await request<Record<string, T | null>>(
      `query Batch(${params}) { ${fields} }`,
      Object.fromEntries(part.map((d, i) => [`d${i}`, d])),
    );
    part.forEach((digest, i) => out.set(digest, data[`a${i}`] ?? null));
  }
  return out;
}

export function attestations(request: Request, digests: readonly string[]): Promise<Map<string, Attestation | null>> {
  return batched<Attestation>(request, digests, 'attestation', ATTESTATION);
}

/** Whether verified evidence covers each artifact: drawn nodes without it are marked unsigned. */
export async function signatureStatuses(request: Request, digests: readonly string[]): Promise<Map<string, string>> {
  const found = await batched<{ signatureStatus: string }>(request, digests, 'artifact', 'signatureStatus');
  return new Map([...found].map(([digest, value]) => [digest, value?.signatureStatus ?? 'UNKNOWN']));
}

export interface TraceOptions {
  readonly maxDepth: number;
  readonly verifiedOnly: boolean;
}

const AFFECTED = `node { ${NODE} } depth verified signers { kind fingerprint subject issuer }
  path { type from { ${NODE} } to { ${NODE} } how verified evidence { attestation status } }`;

export function trace(
  request: Request,
  compromised: Compromised,
  options: TraceOptions,
  first: number,
  after: string | null,
): Promise<Trace> {
  return request<{ incidentTrace: Trace }>(
    `query Trace($c: CompromisedInput!, $depth: Int!, $verifiedOnly: Boolean!, $after: String) {
      incidentTrace(compromised: $c, maxDepth: $depth, verifiedOnly: $verifiedOnly, first: ${pageSize(first)}, after: $after) {
        compromised { ${NODE} }
        summary { total byKind { kind count } byDepth { depth count } }
        affected { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${AFFECTED} } } }
      }
    }`,
    { c: compromised, depth: options.maxDepth, verifiedOnly: options.verifiedOnly, after },
  ).then((data) => data.incidentTrace);
}

/** One page of a trace's affected list (the summary is not asked again). */
export function affectedPage(
  request: Request,
  compromised: Compromised,
  options: TraceOptions,
  first: number,
  after: string | null,
): Promise<Page<AffectedNode>> {
  return request<{ incidentTrace: { affected: Page<AffectedNode> } }>(
    `query Affected($c: CompromisedInput!, $depth: Int!, $verifiedOnly: Boolean!, $after: String) {
      incidentTrace(compromised: $c, maxDepth: $depth, verifiedOnly: $verifiedOnly, first: ${pageSize(first)}, after: $after) {
        affected { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${AFFECTED} } } }
      }
    }`,
    { c: compromised, depth: options.maxDepth, verifiedOnly: options.verifiedOnly, after },
  ).then((data) => data.incidentTrace.affected);
}

export function aiBom(request: Request, digest: string, format: BomFormat): Promise<unknown> {
  return request<{ aiBom: unknown }>(
    `query Bom($digest: String!, $format: BomFormat!) { aiBom(digest: $digest, format: $format) }`,
    {
      digest,
      format,
    },
  ).then((data) => data.aiBom);
}
