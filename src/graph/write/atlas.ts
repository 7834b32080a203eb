// Atlas CLI links (docs/LINEAGE.md, "Atlas CLI"). An Atlas link names a manifest (`urn:c2pa:<uuid>`), not an artifact,
// and does not say what kind of link it is; the edge it becomes depends on the manifest it reaches, which may arrive
// before or after the link. So each attestation records what it is as a link target (on its Attestation node) and
// what it cites (`CITES` edges to an `AtlasManifest {urn}` node), and every transaction that touches a URN resolves
// the links into it again, under that URN node's write lock, from everything committed:
//   - a signed cross-reference (URN + digest of the target's JSON) reaches the manifest whose exact bytes have that
//     digest, whatever that manifest's own verification status: the citing signature pins those bytes, and with them
//     the target's files and kind. It becomes TRAINED_ON (a dataset), DERIVED_FROM {how: unknown} (a model, or a
//     dataset from a dataset) or USED {role: code} (software), with the citing attestations as evidence;
//   - an evaluation names its model and dataset by URN alone, so a URN counts only where a signature binds it to one
//     manifest: the URN inside a verified OMS-form manifest, or a verified cross-reference pinning a manifest that has
//     this URN. With exactly one model and one dataset bound, (model)-[:EVALUATED_ON]->(dataset) with the evaluation
//     as evidence; the evaluation's attestation keeps which pair it linked (`atlasEvaluated`) so the link moves or
//     goes when a binding changes or is revoked.
// Labels and relationship types come from the literals below, never from input.
import type { ManagedTransaction } from 'neo4j-driver';
import type { AttestationFacts } from '../facts.ts';
import { linkWithEvidence, uniqueBy, type Section } from './statement.ts';

/** The URNs an Atlas attestation touches: its own, and those it links to, sorted (the order their locks are taken in). */
function urnsOf(facts: AttestationFacts): string[] {
  const atlas = facts.atlas;
  if (atlas === undefined) return [];
  const { manifest, references, evaluation } = atlas;
  const urns = [
    manifest.urn,
    ...references.map((r) => r.urn),
    ...(evaluation ? [evaluation.modelUrn, evaluation.datasetUrn] : []),
  ];
  return [...new Set(urns)].sort();
}

/**
 * What an Atlas attestation's statement starts with, before even its Attestation node: the write locks of the URNs
 * it touches. Every Atlas transaction takes URN locks first and in URN order, and an attestation node (its own, or an
 * evaluation's it re-links) only after them, so two Atlas transactions never wait for each other in a cycle.
 */
export function atlasPreamble(facts: AttestationFacts): Section | undefined {
  const urns = urnsOf(facts);
  return urns.length === 0 ? undefined : { cypher: LOCK_URNS, params: { atlasUrns: urns } };
}

/** The sections a verified Atlas attestation adds to its statement (after its artifacts and ATTESTS). */
export function atlasSections(facts: AttestationFacts): Section[] {
  const atlas = facts.atlas;
  if (atlas === undefined) return [];
  const { manifest, references, evaluation } = atlas;
  const sections: Section[] = [
    {
      cypher: `CALL (att) {
  SET att.atlasUrn = $atlas.urn, att.atlasUrnSigned = $atlas.urnSigned, att.atlasDigests = $atlas.digests,
      att.atlasSubject = $atlas.subject, att.atlasKind = $atlas.kind, att.atlasUrns = $atlasUrns,
      att.atlasEvaluates = $atlas.evaluates, att.atlasUnsignedLinks = $atlas.unsignedLinks
}`,
      params: {
        atlas: {
          urn: manifest.urn,
          urnSigned: manifest.urnSigned,
          digests: [...manifest.digests],
          subject: manifest.subject,
          kind: manifest.kind,
          evaluates: evaluation ? [evaluation.modelUrn, evaluation.datasetUrn] : null,
          unsignedLinks: [...atlas.unsignedLinks],
        },
      },
    },
  ];
  if (references.length > 0) {
    sections.push({
      cypher: `CALL () {
  UNWIND $atlasRefs AS row
  MATCH (s:Artifact {digest: row.from})
  MATCH (m:AtlasManifest {urn: row.urn})
  ${linkWithEvidence('s', 'CITES {digest: row.digest}', 'm', (r) => [`${r}.fromKind = row.fromKind`])}
}`,
      params: {
        atlasRefs: uniqueBy(
          references.map((r) => ({ from: manifest.subject, fromKind: manifest.kind, urn: r.urn, digest: r.digest })),
          (row) => `${row.urn} ${row.digest}`,
        ),
      },
    });
  }
  if (evaluation) {
    sections.push({
      cypher: `CALL () {
  UNWIND $atlasEvalCites AS row
  MATCH (e:Artifact {digest: row.from})
  MATCH (m:AtlasManifest {urn: row.urn})
  ${linkWithEvidence('e', 'CITES {as: row.as}', 'm')}
}`,
      params: {
        atlasEvalCites: [
          { from: manifest.subject, urn: evaluation.modelUrn, as: 'model' },
          { from: manifest.subject, urn: evaluation.datasetUrn, as: 'dataset' },
        ],
      },
    });
  }
  sections.push(RESOLVE_REFERENCES, RESOLVE_EVALUATIONS);
  return sections;
}

/** Every transaction touching a URN takes its node's write lock first, in URN order: links into it resolve one at a time. */
const LOCK_URNS = `CALL () {
  UNWIND $atlasUrns AS urn
  MERGE (m:AtlasManifest {urn: urn})
  SET m._lock = true
  REMOVE m._lock
}`;

/** Union of an edge's evidence with a cite's (the edge is write-locked first, see addEvidence in statement.ts). */
const WITH_CITE_EVIDENCE = (e: string): string =>
  `${e}.evidence = coalesce(${e}.evidence, []) + [x IN c.evidence WHERE NOT x IN coalesce(${e}.evidence, [])]`;

/** Signed cross-references into the locked URNs, each to the manifest whose bytes it pins. */
const RESOLVE_REFERENCES: Section = {
  cypher: `CALL () {
  UNWIND $atlasUrns AS urn
  MATCH (m:AtlasManifest {urn: urn})<-[c:CITES]-(s:Artifact)
  WHERE c.digest IS NOT NULL AND size(coalesce(c.evidence, [])) > 0
  CALL (c, urn) {
    MATCH (t:Attestation {atlasUrn: urn}) WHERE c.digest IN t.atlasDigests
    RETURN t.atlasSubject AS target, t.atlasKind AS kind ORDER BY target LIMIT 1
  }
  MERGE (r:Artifact {digest: target}) ON CREATE SET r.firstSeenAt = datetime()
  WITH s, c, r, CASE WHEN kind = 'dataset' AND c.fromKind = 'dataset' THEN 'DERIVED_FROM'
    WHEN kind = 'dataset' THEN 'TRAINED_ON' WHEN kind = 'model' THEN 'DERIVED_FROM'
    WHEN kind = 'software' THEN 'CODE' ELSE 'INPUT' END AS type
  FOREACH (_ IN CASE WHEN type = 'TRAINED_ON' THEN [1] ELSE [] END |
    MERGE (s)-[e:TRAINED_ON]->(r) SET e._lock = true SET ${WITH_CITE_EVIDENCE('e')} REMOVE e._lock)
  FOREACH (_ IN CASE WHEN type = 'DERIVED_FROM' THEN [1] ELSE [] END |
    MERGE (s)-[e:DERIVED_FROM]->(r) SET e._lock = true
    SET e.how = coalesce(e.how, 'unknown'), ${WITH_CITE_EVIDENCE('e')} REMOVE e._lock)
  FOREACH (_ IN CASE WHEN type = 'CODE' THEN [1] ELSE [] END |
    MERGE (s)-[e:USED {role: 'code'}]->(r) SET e._lock = true SET ${WITH_CITE_EVIDENCE('e')} REMOVE e._lock)
  FOREACH (_ IN CASE WHEN type = 'INPUT' THEN [1] ELSE [] END |
    MERGE (s)-[e:USED {role: 'input'}]->(r) SET e._lock = true SET ${WITH_CITE_EVIDENCE('e')} REMOVE e._lock)
}`,
  params: {},
};

/** The subjects of the manifests a signature binds URN `u` to, of one kind (see the top of this file). */
const BOUND = (u: string, kind: string, out: string): string => `CALL (a) {
    WITH ${u} AS u
    CALL (u) {
      MATCH (t:Attestation {atlasUrn: u})
      WHERE t.status = 'verified' AND t.atlasUrnSigned AND t.atlasKind = '${kind}'
      RETURN t.atlasSubject AS root
      UNION
      MATCH (:AtlasManifest {urn: u})<-[p:CITES]-(:Artifact)
      WHERE p.digest IS NOT NULL AND size(coalesce(p.evidence, [])) > 0
      MATCH (t:Attestation {atlasUrn: u}) WHERE p.digest IN t.atlasDigests AND t.atlasKind = '${kind}'
      RETURN t.atlasSubject AS root
    }
    RETURN collect(DISTINCT root) AS ${out}
  }`;

/** Takes evaluation `a` off the pair it linked (`before`) and links the pair `now` (either may be empty). */
const MOVE_EVALUATION = `CALL (a, before) {
    WITH a, before WHERE size(before) = 2
    MATCH (:Artifact {digest: before[0]})-[old:EVALUATED_ON]->(:Artifact {digest: before[1]})
    SET old._lock = true
    WITH a, old
    SET old.evidence = [x IN old.evidence WHERE x <> a.digest]
    REMOVE old._lock
    WITH old WHERE size(old.evidence) = 0
    DELETE old
  }
  CALL (a, now) {
    WITH a, now WHERE size(now) = 2
    MERGE (mm:Artifact {digest: now[0]}) ON CREATE SET mm.firstSeenAt = datetime()
    MERGE (dd:Artifact {digest: now[1]}) ON CREATE SET dd.firstSeenAt = datetime()
    MERGE (mm)-[e:EVALUATED_ON]->(dd)
    SET e._lock = true
    SET e.evidence = CASE WHEN a.digest IN coalesce(e.evidence, []) THEN e.evidence ELSE coalesce(e.evidence, []) + a.digest END
    REMOVE e._lock
  }
  SET a.atlasEvaluated = now`;

/**
 * The evaluations naming a locked URN, each linked again from the bindings now committed. The evaluation's
 * attestation is write-locked before its bindings are read, so two transactions changing bindings it depends on
 * (its model's and its dataset's) re-link it one after the other, the second from what the first committed.
 */
const RESOLVE_EVALUATIONS: Section = {
  cypher: `CALL () {
  UNWIND $atlasUrns AS urn
  MATCH (:AtlasManifest {urn: urn})<-[c:CITES]-(:Artifact) WHERE c.as IS NOT NULL
  UNWIND coalesce(c.evidence, []) AS ev
  WITH DISTINCT ev ORDER BY ev
  MATCH (a:Attestation {digest: ev}) WHERE size(coalesce(a.atlasEvaluates, [])) = 2
  SET a._lock = true
  REMOVE a._lock
  WITH a
  ${BOUND('a.atlasEvaluates[0]', 'model', 'models')}
  ${BOUND('a.atlasEvaluates[1]', 'dataset', 'datasets')}
  WITH a, CASE WHEN a.status = 'verified' AND size(models) = 1 AND size(datasets) = 1
    THEN [models[0], datasets[0]] ELSE [] END AS now, coalesce(a.atlasEvaluated, []) AS before
  WHERE now <> before
  ${MOVE_EVALUATION}
}`,
  params: {},
};

/**
 * After a verified Atlas attestation was rejected on re-verification (its key revoked) and its evidence removed
 * (attestation.ts unlink): the evaluation link it made goes, and the links that relied on it as a binding are
 * resolved again.
 */
export async function unlinkAtlas(tx: ManagedTransaction, attestation: string): Promise<void> {
  const result = await tx.run(
    `MATCH (a:Attestation {digest: $attestation}) WHERE a.atlasUrns IS NOT NULL
     WITH a, coalesce(a.atlasEvaluated, []) AS before, [] AS now
     ${MOVE_EVALUATION}
     RETURN a.atlasUrns AS urns`,
    { attestation },
  );
  const urns: unknown = result.records[0]?.get('urns');
  if (!Array.isArray(urns) || urns.length === 0) return;
  await tx.run([LOCK_URNS, RESOLVE_REFERENCES.cypher, RESOLVE_EVALUATIONS.cypher, 'RETURN 1 AS done'].join('\n'), {
    atlasUrns: urns,
  });
}
