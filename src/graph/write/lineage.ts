// Lineage sections of the attestation's statement: packages, runs, builders, the card's DESCRIBES edges
// and typed edges, each typed edge carrying the attestation digest as evidence.
// Labels, keys and relationship types come from the closed maps below, never from input.
import type { AttestationFacts, CardFact, EdgeFact, EdgeType, NodeRef } from '../facts.ts';
import { HOW, INFERRED_TYPE } from './kinds.ts';
import { evidenceAssignment, linkWithEvidence, uniqueBy, type Section } from './statement.ts';

const NODE: Record<NodeRef['kind'], { label: string; key: string }> = {
  artifact: { label: 'Artifact', key: 'digest' },
  package: { label: 'Package', key: 'purl' },
  run: { label: 'PipelineRun', key: 'id' },
  builder: { label: 'Builder', key: 'id' },
};

function nodeKey(ref: NodeRef): string {
  switch (ref.kind) {
    case 'artifact':
      return ref.digest;
    case 'package':
      return ref.purl;
    case 'run':
    case 'builder':
      return ref.id;
  }
}

export function lineageSections(facts: AttestationFacts): Section[] {
  const sections: Section[] = [];
  const packages = facts.packages ?? [];
  if (packages.length > 0) {
    // A package (say torch) is shared by many models: it is write-locked only when this attestation
    // tells something new about it, and then re-read under the lock so no digest is lost (addEvidence).
    sections.push({
      cypher: `CALL () {
  UNWIND $packages AS row
  MERGE (p:Package {purl: row.purl})
  WITH p, row
  WHERE p.digests IS NULL
     OR coalesce(row.name, p.name, '') <> coalesce(p.name, '')
     OR coalesce(row.version, p.version, '') <> coalesce(p.version, '')
     OR any(d IN row.digests WHERE NOT d IN p.digests)
  SET p._lock = true
  WITH p, row
  SET p.name = coalesce(row.name, p.name), p.version = coalesce(row.version, p.version),
      p.digests = reduce(acc = coalesce(p.digests, []), d IN row.digests | CASE WHEN d IN acc THEN acc ELSE acc + d END)
  REMOVE p._lock
}`,
      params: {
        packages: [...packages].sort((a, b) => a.purl.localeCompare(b.purl)).map((p) => ({ ...p, digests: [...p.digests] })),
      },
    });
  }
  const runs = facts.runs ?? [];
  if (runs.length > 0) {
    sections.push({
      cypher: `CALL () {
  UNWIND $runs AS row
  MERGE (b:Builder {id: row.builder})
  MERGE (r:PipelineRun {id: row.id})
  SET r.runKind = row.runKind, r.buildType = row.buildType, r.startedOn = row.startedOn,
      r.finishedOn = row.finishedOn, r.externalParameters = row.externalParameters
}`,
      params: { runs },
    });
  }
  const cards = facts.cards ?? [];
  if (cards.length > 0) {
    // Each card's fields stay on its own edge (docs/LINEAGE.md, "Card fields"), so a value read back names the
    // card it came from, a revoked card's fields go with its edges (unlink in attestation.ts), and no card overwrites
    // another's, whatever the arrival order. CREATE unless present, as for ATTESTS: att is write-locked by this
    // statement's head, so no other transaction can link it meanwhile, and the artifact (a popular dataset is a
    // hub) is not locked. The same document again finds its edges and changes nothing.
    sections.push({
      cypher: `CALL (att) {
  UNWIND $cards AS row
  MATCH (n:Artifact {digest: row.digest})
  OPTIONAL MATCH (att)-[x:DESCRIBES]->(n)
  WITH att, n, row WHERE x IS NULL
  CREATE (att)-[d:DESCRIBES]->(n)
  SET d += row.fields, d.own = row.own, d.issuedAt = row.issuedAt
}`,
      params: { cards: cardRows(cards) },
    });
  }
  let group = 0;
  for (const [shape, edges] of groupEdges(facts.edges ?? [])) {
    const [type, fromKind, toKind] = shape.split('|') as [EdgeType, NodeRef['kind'], NodeRef['kind']];
    const from = NODE[fromKind];
    const to = NODE[toKind];
    const name = `edges${group++}`;
    // A USED edge is one per role: a run that used an artifact as its code and as its config says two things.
    const identity = type === 'USED' ? 'USED {role: row.props.role}' : type;
    sections.push({
      cypher: `CALL () {
  UNWIND $${name} AS row
  MATCH (a:${from.label} {${from.key}: row.from})
  MATCH (b:${to.label} {${to.key}: row.to})
  ${linkWithEvidence('a', identity, 'b', (r) => [`${r} += row.props`])}
}`,
      params: {
        [name]: uniqueBy(
          edges.map((edge) => ({ from: nodeKey(edge.from), to: nodeKey(edge.to), props: edge.props })),
          (row) => (type === 'USED' ? `${row.from} ${row.to} ${String(row.props['role'])}` : `${row.from} ${row.to}`),
        ),
      },
    });
  }
  const inferred = facts.inferred ?? [];
  if (inferred.length > 0) {
    // Type from what the graph already concludes of both ends (docs/LINEAGE.md, "Edges"). The labels of d
    // are read under d's write lock: a claim that changes d's kind concurrently either committed first (seen
    // here) or waits for this transaction and then re-types the edge (RETYPE in kinds.ts), as does this
    // transaction's own recomputation of the kinds it touched. Each inferred edge keeps the attestations that
    // inferred it (`inferredBy`) and the run kind each gave (`hows`) for that.
    sections.push({
      cypher: `CALL () {
  UNWIND $inferred AS row
  MATCH (s:Artifact {digest: row.from})
  MATCH (d:Artifact {digest: row.to})
  SET d._lock = true
  WITH s, d, row
  REMOVE d._lock
  WITH s, d, row, ${INFERRED_TYPE} AS kind
  FOREACH (_ IN CASE WHEN kind = 'DERIVED_FROM' THEN [1] ELSE [] END |
    MERGE (s)-[r:DERIVED_FROM]->(d) SET r._lock = true SET ${INFERRED('r')}, ${evidenceAssignment('r')} SET r.how = ${HOW('r')} REMOVE r._lock)
  FOREACH (_ IN CASE WHEN kind = 'TRAINED_ON' THEN [1] ELSE [] END |
    MERGE (s)-[r:TRAINED_ON]->(d) SET r._lock = true SET ${INFERRED('r')}, ${evidenceAssignment('r')} REMOVE r._lock)
  FOREACH (_ IN CASE WHEN kind = 'USED' THEN [1] ELSE [] END |
    MERGE (s)-[r:USED {role: 'input'}]->(d) SET r._lock = true SET ${INFERRED('r')}, ${evidenceAssignment('r')} REMOVE r._lock)
}`,
      params: { inferred },
    });
  }
  return sections;
}

/** Adds the attestation to the edge's `inferredBy`, and its run kind to `hows` ("<attestation> <how>"). */
const INFERRED = (r: string): string =>
  `${r}.inferredBy = CASE WHEN $digest IN coalesce(${r}.inferredBy, []) THEN ${r}.inferredBy ELSE coalesce(${r}.inferredBy, []) + $digest END,
   ${r}.hows = [h IN coalesce(${r}.hows, []) WHERE NOT h STARTS WITH $digest + ' '] + [$digest + ' ' + row.how]`;

/**
 * One row per described artifact (the OPTIONAL MATCH above would not see an edge created for an earlier row of
 * the same UNWIND): when a document describes one artifact twice, its own card of it wins over its mention as
 * another subject's data. Sorted by digest, so the same document always gives the same rows.
 */
function cardRows(
  cards: readonly CardFact[],
): { digest: string; fields: Record<string, string>; own: boolean; issuedAt: string | null }[] {
  const ownLast = [...cards].sort((a, b) => Number(a.own) - Number(b.own));
  return uniqueBy(ownLast, (card) => card.digest)
    .map((card) => ({ digest: card.digest, fields: { ...card.fields }, own: card.own, issuedAt: card.issuedAt ?? null }))
    .sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

function groupEdges(edges: readonly EdgeFact[]): Map<string, EdgeFact[]> {
  const groups = new Map<string, EdgeFact[]>();
  for (const edge of edges) {
    const shape = `${edge.type}|${edge.from.kind}|${edge.to.kind}`;
    const list = groups.get(shape) ?? [];
    list.push(edge);
    groups.set(shape, list);
  }
  return groups;
}
