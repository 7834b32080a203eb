// Search: find where to start from a few characters a person has at hand — a digest prefix copied from a
// log, part of a model or dataset name, a purl, or a signer (key fingerprint prefix, keyless identity,
// certificate subject). One small parameterised query per kind of match, run in parallel; each returns at most
// `limit` hits in a fixed order, so offset cursors over the combined list stay stable between requests.
import neo4j from 'neo4j-driver';
import type { GraphConnection } from '../driver.ts';
import { signerOf } from './evidence.ts';
import { readAll, toNumber } from './query.ts';
import type { SignerRef } from '../facts.ts';
import { NODE_KIND, type GraphNode, type NodeKind } from '../views.ts';

export type SearchMatch = 'DIGEST' | 'NAME' | 'PACKAGE' | 'SIGNER' | 'ATTESTATION';

export type SearchHit =
  | { readonly match: 'DIGEST' | 'NAME' | 'PACKAGE'; readonly node: Omit<GraphNode, 'id'> }
  | { readonly match: 'SIGNER'; readonly signer: SignerRef; readonly signed: number }
  | { readonly match: 'ATTESTATION'; readonly attestation: string };

export interface SearchResult {
  /** digest matches first, then names, packages, signers and attestations; each group in a fixed order. */
  readonly hits: readonly SearchHit[];
  /** some kind of match had more than `limit` hits; the rest were not read. */
  readonly truncated: boolean;
}

/** Digest algorithms an artifact's identity can carry (docs/LINEAGE.md "Identity"), for a bare hex prefix. */
const ALGORITHMS = ['sha256', 'sha512', 'sha384', 'sha1', 'blake2b', 'blake3', 'gitcommit'];
export const MAX_SEARCH_TEXT = 200;

const KIND = NODE_KIND('n');

interface Terms {
  /** lower-cased text for case-insensitive `CONTAINS`. */
  readonly lower: string;
  /** digest prefixes (`algorithm:hex…`) to look up through the digest uniqueness index; empty when not a digest. */
  readonly digestPrefixes: readonly string[];
  /** a hex prefix for key and certificate fingerprints, or null. */
  readonly hex: string | null;
}

/** What the text can mean. Short hex strings are words too ("cafe"), so both readings are searched. */
export function searchTerms(text: string): Terms {
  const lower = text.trim().toLowerCase();
  const qualified = /^([a-z0-9-]+):([0-9a-f]{4,})$/.exec(lower);
  const bare = /^[0-9a-f]{4,}$/.test(lower);
  return {
    lower,
    // A Hugging Face or git reference is an artifact keyed by its purl (docs/LINEAGE.md, "Names").
    digestPrefixes: qualified || lower.startsWith('pkg:') ? [lower] : bare ? ALGORITHMS.map((a) => `${a}:${lower}`) : [],
    hex: qualified?.[1] === 'sha256' ? (qualified[2] ?? null) : bare ? lower : null,
  };
}

export async function searchGraph(graph: GraphConnection, text: string, limit: number): Promise<SearchResult> {
  const terms = searchTerms(text);
  const run = async (query: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> =>
    (await readAll(graph, query, { ...params, limit: neo4j.int(limit + 1) }, 'searching')).map((record) => record.toObject());
  const none = Promise.resolve([] as Record<string, unknown>[]);
  const [digests, names, packages, signers, attestations] = await Promise.all([
    terms.digestPrefixes.length === 0
      ? none
      : // STARTS WITH on the uniqueness-constraint index of Artifact.digest: a seek, not a scan.
        run(
          `UNWIND $prefixes AS prefix
           MATCH (n:Artifact) WHERE n.digest STARTS WITH prefix
           RETURN DISTINCT ${KIND} AS kind, n.digest AS key, n.name AS name ORDER BY key LIMIT $limit`,
          { prefixes: terms.digestPrefixes },
        ),
    // Case-insensitive, so no index applies: a scan of the models and datasets, bounded by LIMIT after the sort.
    run(
      `MATCH (n:Model|Dataset) WHERE toLower(n.name) CONTAINS $text
       RETURN ${KIND} AS kind, n.digest AS key, n.name AS name ORDER BY toLower(name), key LIMIT $limit`,
      { text: terms.lower },
    ),
    run(
      `MATCH (p:Package) WHERE toLower(p.purl) CONTAINS $text
       RETURN 'PACKAGE' AS kind, p.purl AS key, p.name AS name ORDER BY key LIMIT $limit`,
      { text: terms.lower },
    ),
    run(
      `CALL () {
         MATCH (s:Key) WHERE $hex IS NOT NULL AND s.fingerprint STARTS WITH $hex RETURN s
         UNION
         MATCH (s:Identity) WHERE toLower(s.subject) CONTAINS $text OR toLower(s.issuer) CONTAINS $text RETURN s
         UNION
         MATCH (s:Certificate)
         WHERE ($hex IS NOT NULL AND s.fingerprint STARTS WITH $hex) OR toLower(s.subject) CONTAINS $text RETURN s
       }
       WITH s ORDER BY coalesce(s.fingerprint, s.key) LIMIT $limit
       RETURN s {.fingerprint, .issuer, .subject, labels: labels(s)} AS signer,
              head([(s)-[:CERTIFIES]->(k:Key) | k.fingerprint]) AS certifiedKey,
              COUNT { (s)<-[:SIGNED_BY]-(:Attestation) } AS signed, coalesce(s.fingerprint, s.key) AS sortKey
       ORDER BY sortKey`,
      { hex: terms.hex, text: terms.lower },
    ),
    terms.hex === null
      ? none
      : run(`MATCH (a:Attestation) WHERE a.digest STARTS WITH $prefix RETURN a.digest AS digest ORDER BY digest LIMIT $limit`, {
          prefix: `sha256:${terms.hex}`,
        }),
  ]);

  const nodeHits = (rows: Record<string, unknown>[], match: 'DIGEST' | 'NAME' | 'PACKAGE'): SearchHit[] =>
    rows.slice(0, limit).map((row) => ({
      match,
      node: { kind: row['kind'] as NodeKind, key: String(row['key']), name: (row['name'] as string | null) ?? null },
    }));
  const byDigest = nodeHits(digests, 'DIGEST');
  const found = new Set(byDigest.map((hit) => ('node' in hit ? hit.node.key : '')));
  const hits: SearchHit[] = [
    ...byDigest,
    // A model whose name happens to contain the hex text is already listed by its digest.
    ...nodeHits(names, 'NAME').filter((hit) => !('node' in hit && found.has(hit.node.key))),
    ...nodeHits(packages, 'PACKAGE'),
    ...signers.slice(0, limit).flatMap((row): SearchHit[] => {
      const signer = signerOf(row['signer'] as Record<string, unknown>, (row['certifiedKey'] as string | null) ?? null);
      return signer ? [{ match: 'SIGNER', signer, signed: toNumber(row['signed']) }] : [];
    }),
    ...attestations.slice(0, limit).map((row): SearchHit => ({ match: 'ATTESTATION', attestation: String(row['digest']) })),
  ];
  const truncated = [digests, names, packages, signers, attestations].some((rows) => rows.length > limit);
  return { hits, truncated };
}
