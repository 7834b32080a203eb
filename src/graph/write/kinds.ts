// One kind per artifact, from all evidence, in any order (docs/LINEAGE.md, "Kind"). Each verified attestation leaves
// its claims about what an artifact is on the node, tagged with its digest, so they can be withdrawn and moved:
//
//   kindClaims: ["<rank><m|d><*| > <attestation>"]   rank 4 own, 3 usage, 2 run kind, 1 default; m model, d dataset;
//                                                    * = made of one of several subjects (of files, until resolved)
//   rootClaims: ["oms <attestation>" | "atlas <attestation>"]   the node is a manifest root (its files are CONTAINS)
//
// The labels (Model, Dataset, File) and `omsSigned` are then recomputed from all claims, never accumulated, and the
// edges whose type follows from the labels (inferred dependencies) are re-typed.
import type { ManagedTransaction } from 'neo4j-driver';
import type { AttestationFacts, KindRank } from '../facts.ts';
import type { Section } from './statement.ts';

const RANK: Record<KindRank, number> = { own: 4, usage: 3, run: 2, default: 1 };

interface Claim {
  readonly digest: string;
  readonly kinds: string[];
  readonly roots: string[];
}

/** The claims one attestation makes, by artifact (without the attestation digest, which the statement appends). */
export function claimsOf(facts: AttestationFacts): Claim[] {
  const subjects = new Set(facts.attests);
  const several = subjects.size > 1;
  const atlasRoot = facts.atlas?.manifest.subject;
  const claims = new Map<string, Claim>();
  const claim = (digest: string): Claim => {
    const known = claims.get(digest) ?? { digest, kinds: [], roots: [] };
    claims.set(digest, known);
    return known;
  };
  for (const artifact of facts.artifacts) {
    const rank = artifact.rank ?? 'own';
    // One of several subjects, not named by its own role: a file of what the statement is about (GitHub's
    // attestation action lists each output file), a model or dataset only once the files resolve to a manifest.
    const star = several && subjects.has(artifact.digest) && rank !== 'own' ? '*' : ' ';
    for (const label of artifact.labels) {
      if (label === 'Model') claim(artifact.digest).kinds.push(`${RANK[rank]}m${star}`);
      if (label === 'Dataset') claim(artifact.digest).kinds.push(`${RANK[rank]}d${star}`);
      if (label === 'SignedRoot') {
        claim(artifact.digest).kinds.push(`${RANK.default}m `);
        claim(artifact.digest).roots.push('oms');
      }
    }
  }
  if (atlasRoot) claim(atlasRoot).roots.push('atlas');
  return [...claims.values()]
    .filter((c) => c.kinds.length > 0 || c.roots.length > 0)
    .sort((a, b) => (a.digest < b.digest ? -1 : 1));
}

/**
 * The statement section that records the attestation's claims on its artifacts, and on the attestation the subjects
 * (what resolution reads) and every node it left a claim on (what withdrawal reads). Runs after the artifacts exist.
 */
export function claimsSection(facts: AttestationFacts): Section {
  const claims = claimsOf(facts);
  return {
    cypher: `CALL (att) {
  SET att.subjects = $claimSubjects, att.claimedOn = [d IN coalesce(att.claimedOn, []) WHERE NOT d IN $claimedOn] + $claimedOn,
      att.references = $references, att.binds = $binds
  WITH att
  CALL (att) {
    UNWIND $references AS name
    MATCH (n:Artifact {digest: name})
    WITH n WHERE NOT $digest IN coalesce(n.referencedBy, [])
    SET n._lock = true
    SET n.referencedBy = CASE WHEN $digest IN coalesce(n.referencedBy, []) THEN n.referencedBy ELSE coalesce(n.referencedBy, []) + $digest END
    REMOVE n._lock
  }
  WITH att
  UNWIND $claims AS row
  MATCH (n:Artifact {digest: row.digest})
  WITH n, [k IN row.kinds | k + ' ' + $digest] AS kinds, [r IN row.roots | r + ' ' + $digest] AS roots
  WHERE any(c IN kinds + roots WHERE NOT c IN coalesce(n.kindClaims, []) + coalesce(n.rootClaims, []))
  SET n._lock = true
  WITH n, kinds, roots
  SET n.kindClaims = coalesce(n.kindClaims, []) + [c IN kinds WHERE NOT c IN coalesce(n.kindClaims, [])],
      n.rootClaims = CASE WHEN size(roots) = 0 THEN n.rootClaims
                          ELSE coalesce(n.rootClaims, []) + [c IN roots WHERE NOT c IN coalesce(n.rootClaims, [])] END
  REMOVE n._lock
}`,
    params: {
      claims,
      claimSubjects: [...new Set(facts.attests)].sort(),
      claimedOn: claims.map((c) => c.digest),
      references: [...(facts.references ?? [])].sort(),
      binds: bindsOf(facts),
    },
  };
}

/** The names (docs/LINEAGE.md, "Names") an attestation binds to a content digest: the name ends of its SAME_AS edges. */
export function bindsOf(facts: AttestationFacts): string[] {
  const names = (facts.edges ?? []).flatMap((edge) =>
    edge.type === 'SAME_AS' && edge.from.kind === 'artifact' && edge.from.digest.startsWith(NAME_PREFIX)
      ? [edge.from.digest]
      : [],
  );
  return [...new Set(names)].sort();
}

/** Names are artifacts keyed by a purl; content digests are `algorithm:hex`, so the two never collide. */
export const NAME_PREFIX = 'pkg:';

/** The digests of the manifest roots an attestation signs (OMS, Atlas): their files may be other statements' subjects. */
export function rootsOf(facts: AttestationFacts): string[] {
  return claimsOf(facts)
    .filter((c) => c.roots.length > 0)
    .map((c) => c.digest);
}

/**
 * The kind of each node from its claims (docs/LINEAGE.md, "Kind"): a file a manifest lists (or one of several
 * unresolved subjects, unless its own word says otherwise) that is not itself a root is a File; otherwise the highest-ranked claims decide, Dataset when
 * they disagree (a contradiction at one rank is not settled by arrival order, and a dataset is the safer answer for
 * "which models were trained on …"); no claim, no kind. Each node is write-locked first, so claims changed by a
 * concurrent transaction are either seen here or recomputed by that transaction after this one commits.
 */
const RECOMPUTE = `UNWIND $digests AS dg
MATCH (n:Artifact {digest: dg})
SET n._lock = true
WITH n
REMOVE n._lock
WITH n, coalesce(n.kindClaims, []) AS cs, coalesce(n.rootClaims, []) AS rs
WITH n, size(rs) > 0 AS root, any(r IN rs WHERE r STARTS WITH 'oms ') AS oms,
     EXISTS { (:Artifact)-[:CONTAINS]->(n) } AS contained,
     [c IN cs WHERE size(rs) > 0 OR substring(c, 2, 1) <> '*'] AS counted,
     any(c IN cs WHERE substring(c, 2, 1) = '*') AS starred
WITH n, oms, root, contained, starred, counted,
     reduce(top = 0, c IN counted | CASE WHEN toInteger(left(c, 1)) > top THEN toInteger(left(c, 1)) ELSE top END) AS top
WITH n, oms, CASE
    WHEN NOT root AND (contained OR (starred AND NOT any(c IN counted WHERE left(c, 1) = '4'))) THEN 'File'
    WHEN any(c IN counted WHERE toInteger(left(c, 1)) = top AND substring(c, 1, 1) = 'd') THEN 'Dataset'
    WHEN top > 0 THEN 'Model'
    ELSE null END AS kind
SET n.omsSigned = CASE WHEN oms THEN true ELSE null END
REMOVE n.declaredModel
FOREACH (_ IN CASE WHEN kind = 'Model' THEN [1] ELSE [] END | SET n:Model REMOVE n:Dataset, n:File)
FOREACH (_ IN CASE WHEN kind = 'Dataset' THEN [1] ELSE [] END | SET n:Dataset REMOVE n:Model, n:File)
FOREACH (_ IN CASE WHEN kind = 'File' THEN [1] ELSE [] END | SET n:File REMOVE n:Model, n:Dataset)
FOREACH (_ IN CASE WHEN kind IS NULL THEN [1] ELSE [] END | REMOVE n:Model, n:Dataset, n:File)`;

/**
 * Cypher: the `how` of a DERIVED_FROM edge `r` from the run kinds its attestations gave (`hows`, "<attestation>
 * <how>"): the one of the lowest attestation digest, so the answer does not depend on which arrived last; the edge's
 * own `how` when it has none (an Atlas link).
 */
export const HOW = (r: string): string =>
  `CASE WHEN size(coalesce(${r}.hows, [])) = 0 THEN ${r}.how
        ELSE split(reduce(m = head(${r}.hows), h IN ${r}.hows | CASE WHEN h < m THEN h ELSE m END), ' ')[1] END`;

/** The edge type an inferred dependency edge from s to d has, given their labels (docs/LINEAGE.md, "Edges"). */
export const INFERRED_TYPE = `CASE WHEN d:Model THEN 'DERIVED_FROM' WHEN d:Dataset AND s:Dataset THEN 'DERIVED_FROM'
    WHEN d:Dataset THEN 'TRAINED_ON' ELSE 'USED' END`;

/**
 * Re-types the inferred edges into and out of the nodes (those whose labels may have changed): the evidence of the
 * attestations that inferred an edge (`inferredBy`) moves to the edge of the type the labels now give — USED
 * {role: input} into an artifact of no kind, DERIVED_FROM {how} into a model (or a dataset from a dataset),
 * TRAINED_ON from anything else into a dataset — and an edge left without evidence is deleted.
 */
const RETYPE = `UNWIND $digests AS dg
MATCH (x:Artifact {digest: dg})
CALL (x) {
  MATCH (s:Artifact)-[u:DERIVED_FROM|TRAINED_ON|USED]->(x) WHERE size(coalesce(u.inferredBy, [])) > 0 RETURN s, u, x AS d
  UNION
  MATCH (x)-[u:DERIVED_FROM|TRAINED_ON|USED]->(d:Artifact) WHERE size(coalesce(u.inferredBy, [])) > 0 RETURN x AS s, u, d
}
WITH DISTINCT s, u, d
WITH s, u, d, ${INFERRED_TYPE} AS kind
WHERE type(u) <> kind OR (kind = 'USED' AND u.role <> 'input')
SET u._lock = true
WITH s, u, d, kind
REMOVE u._lock
WITH s, u, d, kind, [e IN u.inferredBy WHERE e IN coalesce(u.evidence, [])] AS moved
WHERE size(moved) > 0
WITH s, u, d, kind, moved, [h IN coalesce(u.hows, []) WHERE split(h, ' ')[0] IN moved] AS hows
FOREACH (_ IN CASE WHEN kind = 'DERIVED_FROM' THEN [1] ELSE [] END |
  MERGE (s)-[r:DERIVED_FROM]->(d) SET r._lock = true
  SET ${MERGED('r')}
  SET r.how = ${HOW('r')}
  REMOVE r._lock)
FOREACH (_ IN CASE WHEN kind = 'TRAINED_ON' THEN [1] ELSE [] END |
  MERGE (s)-[r:TRAINED_ON]->(d) SET r._lock = true SET ${MERGED('r')} REMOVE r._lock)
FOREACH (_ IN CASE WHEN kind = 'USED' THEN [1] ELSE [] END |
  MERGE (s)-[r:USED {role: 'input'}]->(d) SET r._lock = true SET ${MERGED('r')} REMOVE r._lock)
SET u.evidence = [e IN u.evidence WHERE NOT e IN moved], u.inferredBy = [e IN u.inferredBy WHERE NOT e IN moved],
    u.hows = [h IN coalesce(u.hows, []) WHERE NOT h IN hows]
SET u.how = CASE WHEN type(u) = 'DERIVED_FROM' THEN ${HOW('u')} ELSE u.how END
WITH u WHERE size(u.evidence) = 0
DELETE u`;

/** Adds the moved attestations (`moved`, their `hows`) to edge r's evidence, inferredBy and hows. */
function MERGED(r: string): string {
  return `${r}.inferredBy = coalesce(${r}.inferredBy, []) + [e IN moved WHERE NOT e IN coalesce(${r}.inferredBy, [])],
      ${r}.evidence = coalesce(${r}.evidence, []) + [e IN moved WHERE NOT e IN coalesce(${r}.evidence, [])],
      ${r}.hows = [h IN coalesce(${r}.hows, []) WHERE NOT split(h, ' ')[0] IN moved] + hows`;
}

/** Recomputes the kind of each node, then re-types the inferred edges around them. */
export async function recomputeKinds(tx: ManagedTransaction, digests: Iterable<string>): Promise<void> {
  const sorted = [...new Set(digests)].sort();
  if (sorted.length === 0) return;
  await tx.run(RECOMPUTE, { digests: sorted });
  await tx.run(RETYPE, { digests: sorted });
}

/** Removes an attestation's claims from the nodes it left them on (a withdrawn attestation claims nothing). */
export async function withdrawClaims(tx: ManagedTransaction, attestation: string, digests: readonly string[]): Promise<void> {
  await tx.run(
    `UNWIND $digests AS dg
     MATCH (n:Artifact {digest: dg})
     WHERE any(c IN coalesce(n.kindClaims, []) + coalesce(n.rootClaims, []) WHERE c ENDS WITH $suffix)
     SET n._lock = true
     WITH n
     SET n.kindClaims = [c IN coalesce(n.kindClaims, []) WHERE NOT c ENDS WITH $suffix],
         n.rootClaims = [c IN coalesce(n.rootClaims, []) WHERE NOT c ENDS WITH $suffix]
     REMOVE n._lock`,
    { digests: [...digests].sort(), suffix: ` ${attestation}` },
  );
}
