// Repairs graphs written before kinds were computed from ranked claims and statements about a manifest's files were
// resolved to its root (docs/LINEAGE.md, "Kind", "Files and the artifact they make up", "Upgrading"). Earlier
// versions labelled every SLSA subject a Model, so a provenance naming a model's files made each file a MODEL with
// the lineage, and the labels only ever accumulated. This migration, in order:
//   1. keeps each inferred edge's run kind per attestation (`hows`) instead of one `inferredHow`;
//   2. gives every artifact the claims the new write keeps: OMS and Atlas roots from their verified attestations, and
//      the labels earlier versions set as `legacy` claims (a file a manifest lists keeps none);
//   3. records each verified attestation's subjects and, where they are files of exactly one manifest (the one
//      listing exactly them, else the one listing them among more), the root they resolve to;
//   4. marks the subjects of an unresolved provenance with several subjects as one of several (files);
//   5. moves the facts of each resolved attestation (its edges, ATTESTS, the legacy claims of its subjects) from the
//      files to the root;
//   6. recomputes every artifact's labels from its claims, and re-types the inferred edges accordingly.
// Its Cypher repeats what src/graph/write/kinds.ts and resolve.ts do per attestation, as they were when it was
// written: a migration is a record of one upgrade, not live code. Every statement only changes what is not yet in
// the new shape, so a run after a crash finishes the work.
MATCH ()-[r:DERIVED_FROM|TRAINED_ON|USED]->()
WHERE r.inferredHow IS NOT NULL
CALL (r) {
  SET r.hows = [b IN coalesce(r.inferredBy, []) | b + ' ' + r.inferredHow]
  REMOVE r.inferredHow
} IN TRANSACTIONS OF 10000 ROWS;

MATCH (n:Artifact)
WHERE n.kindClaims IS NULL
CALL (n) {
  WITH n,
       COLLECT { MATCH (a:Attestation {status: 'verified'})-[:ATTESTS]->(n)
                 WHERE a.predicateType STARTS WITH 'https://model_signing/' RETURN 'oms ' + a.digest } AS oms,
       COLLECT { MATCH (a:Attestation {status: 'verified'}) WHERE a.atlasSubject = n.digest RETURN 'atlas ' + a.digest } AS atlas,
       EXISTS { (:Artifact)-[:CONTAINS]->(n) } AS contained
  SET n.rootClaims = oms + atlas,
      n.kindClaims = [r IN oms | '1m  ' + substring(r, 4)] +
        CASE WHEN contained AND size(oms + atlas) = 0 THEN []
             WHEN n:Dataset THEN ['3d  legacy']
             WHEN n:Model AND n.declaredModel = true THEN ['2m  legacy']
             ELSE [] END
} IN TRANSACTIONS OF 10000 ROWS;

MATCH (a:Attestation {status: 'verified'})
WHERE a.subjects IS NULL
CALL (a) {
  WITH a, COLLECT { MATCH (a)-[:ATTESTS]->(s:Artifact) RETURN DISTINCT s.digest AS d ORDER BY d } AS subjects
  WITH a, subjects, COLLECT {
      MATCH (:Artifact {digest: head(subjects)})<-[:CONTAINS]-(p:Artifact)
      WITH DISTINCT p
      WITH p, COLLECT { MATCH (p)-[:CONTAINS]->(g:Artifact) RETURN DISTINCT g.digest } AS files
      WHERE all(s IN subjects WHERE s IN files)
      RETURN {root: p.digest, exact: size(files) = size(subjects)} } AS candidates
  WITH a, subjects, candidates, [c IN candidates WHERE c.exact] AS exact
  SET a.subjects = subjects, a.claimedOn = subjects,
      a.resolvedTo = CASE WHEN size(exact) = 1 THEN exact[0].root
                          WHEN size(exact) = 0 AND size(candidates) = 1 THEN candidates[0].root
                          ELSE null END
} IN TRANSACTIONS OF 1000 ROWS;

MATCH (a:Attestation {status: 'verified', predicateType: 'https://slsa.dev/provenance/v1'})
WHERE a.resolvedTo IS NULL AND size(coalesce(a.subjects, [])) > 1
UNWIND a.subjects AS d
MATCH (n:Artifact {digest: d})
WHERE size(coalesce(n.rootClaims, [])) = 0 AND NOT '1m* ' + a.digest IN coalesce(n.kindClaims, [])
SET n.kindClaims = [c IN coalesce(n.kindClaims, []) WHERE c <> '2m  legacy'] + ('1m* ' + a.digest);

MATCH (a:Attestation {status: 'verified'})
WHERE a.resolvedTo IS NOT NULL
  AND EXISTS { MATCH (a)-[:ATTESTS]->(f:Artifact) WHERE f.digest IN a.subjects AND f.digest <> a.resolvedTo }
CALL (a) {
  MATCH (t:Artifact {digest: a.resolvedTo})
  CALL (a, t) {
    UNWIND a.subjects AS sd
    MATCH (f:Artifact {digest: sd})-[e]-(o)
    WHERE a.digest IN coalesce(e.evidence, [])
      AND type(e) IN ['DERIVED_FROM', 'TRAINED_ON', 'BUILT_WITH', 'USED', 'EVALUATED_ON', 'PRODUCED_BY', 'RAN_ON', 'SAME_AS']
      AND NOT (o:Artifact AND (o.digest IN a.subjects OR o = t))
    WITH DISTINCT a, t, e, o, startNode(e) = f AS out
    CALL (e, o, out, t) {
      WITH e, o, out, t WHERE out AND type(e) = 'USED'
      MERGE (t)-[r:USED {role: e.role}]->(o) RETURN r
      UNION
      WITH e, o, out, t WHERE out AND type(e) <> 'USED'
      MERGE (t)-[r:$(type(e))]->(o) RETURN r
      UNION
      WITH e, o, out, t WHERE NOT out AND type(e) = 'USED'
      MERGE (o)-[r:USED {role: e.role}]->(t) RETURN r
      UNION
      WITH e, o, out, t WHERE NOT out AND type(e) <> 'USED'
      MERGE (o)-[r:$(type(e))]->(t) RETURN r
    }
    SET r.result = coalesce(r.result, e.result), r.url = coalesce(r.url, e.url), r.how = coalesce(r.how, e.how),
        r.evidence = CASE WHEN a.digest IN coalesce(r.evidence, []) THEN r.evidence ELSE coalesce(r.evidence, []) + a.digest END,
        r.inferredBy = CASE WHEN NOT a.digest IN coalesce(e.inferredBy, []) OR a.digest IN coalesce(r.inferredBy, []) THEN r.inferredBy
                            ELSE coalesce(r.inferredBy, []) + a.digest END,
        r.hows = CASE WHEN e.hows IS NULL THEN r.hows
                      ELSE [h IN coalesce(r.hows, []) WHERE NOT h STARTS WITH a.digest + ' '] + [h IN e.hows WHERE h STARTS WITH a.digest + ' '] END
    WITH DISTINCT a, e
    SET e.evidence = [x IN e.evidence WHERE x <> a.digest],
        e.inferredBy = CASE WHEN e.inferredBy IS NULL THEN null ELSE [x IN e.inferredBy WHERE x <> a.digest] END,
        e.hows = CASE WHEN e.hows IS NULL THEN null ELSE [h IN e.hows WHERE NOT h STARTS WITH a.digest + ' '] END
    WITH e WHERE size(e.evidence) = 0
    DELETE e
  }
  CALL (a, t) {
    UNWIND a.subjects AS sd
    MATCH (f:Artifact {digest: sd})
    WITH t, collect(f) AS fs
    WITH t, fs, reduce(acc = [], f IN fs | acc + [c IN coalesce(f.kindClaims, []) WHERE c ENDS WITH ' legacy' AND NOT c IN acc]) AS moved
    FOREACH (f IN fs | SET f.kindClaims = [c IN coalesce(f.kindClaims, []) WHERE NOT c ENDS WITH ' legacy'])
    SET t.kindClaims = coalesce(t.kindClaims, []) + [c IN moved WHERE NOT c IN coalesce(t.kindClaims, [])]
  }
  CALL (a, t) {
    MATCH (a)-[x:ATTESTS]->(f:Artifact) WHERE f.digest IN a.subjects DELETE x
  }
  MERGE (a)-[:ATTESTS]->(t)
  SET a.claimedOn = a.subjects + t.digest
} IN TRANSACTIONS OF 1 ROW;

MATCH (n:Artifact)
CALL (n) {
  WITH n, coalesce(n.kindClaims, []) AS cs, coalesce(n.rootClaims, []) AS rs
  WITH n, size(rs) > 0 AS root, any(r IN rs WHERE r STARTS WITH 'oms ') AS oms,
       EXISTS { (:Artifact)-[:CONTAINS]->(n) } AS contained,
       [c IN cs WHERE size(rs) > 0 OR substring(c, 2, 1) <> '*'] AS counted,
       any(c IN cs WHERE substring(c, 2, 1) = '*') AS starred
  WITH n, oms, root, contained, starred, counted,
       reduce(top = 0, c IN counted | CASE WHEN toInteger(left(c, 1)) > top THEN toInteger(left(c, 1)) ELSE top END) AS top
  WITH n, oms, CASE
      WHEN NOT root AND (contained OR (starred AND size(counted) = 0)) THEN 'File'
      WHEN any(c IN counted WHERE toInteger(left(c, 1)) = top AND substring(c, 1, 1) = 'd') THEN 'Dataset'
      WHEN top > 0 THEN 'Model'
      ELSE null END AS kind
  SET n.omsSigned = CASE WHEN oms THEN true ELSE null END
  REMOVE n.declaredModel
  FOREACH (_ IN CASE WHEN kind = 'Model' THEN [1] ELSE [] END | SET n:Model REMOVE n:Dataset, n:File)
  FOREACH (_ IN CASE WHEN kind = 'Dataset' THEN [1] ELSE [] END | SET n:Dataset REMOVE n:Model, n:File)
  FOREACH (_ IN CASE WHEN kind = 'File' THEN [1] ELSE [] END | SET n:File REMOVE n:Model, n:Dataset)
  FOREACH (_ IN CASE WHEN kind IS NULL THEN [1] ELSE [] END | REMOVE n:Model, n:Dataset, n:File)
} IN TRANSACTIONS OF 10000 ROWS;

MATCH (s:Artifact)-[u:DERIVED_FROM|TRAINED_ON|USED]->(d:Artifact)
WHERE size(coalesce(u.inferredBy, [])) > 0
  AND type(u) <> CASE WHEN d:Model THEN 'DERIVED_FROM' WHEN d:Dataset AND s:Dataset THEN 'DERIVED_FROM'
                      WHEN d:Dataset THEN 'TRAINED_ON' ELSE 'USED' END
CALL (s, u, d) {
  WITH s, u, d, CASE WHEN d:Model THEN 'DERIVED_FROM' WHEN d:Dataset AND s:Dataset THEN 'DERIVED_FROM'
                     WHEN d:Dataset THEN 'TRAINED_ON' ELSE 'USED' END AS kind,
       [e IN u.inferredBy WHERE e IN coalesce(u.evidence, [])] AS moved
  WITH s, u, d, kind, moved, [h IN coalesce(u.hows, []) WHERE split(h, ' ')[0] IN moved] AS hows
  CALL (s, d, kind) {
    WITH s, d, kind WHERE kind = 'USED'
    MERGE (s)-[r:USED {role: 'input'}]->(d) RETURN r
    UNION
    WITH s, d, kind WHERE kind <> 'USED'
    MERGE (s)-[r:$(kind)]->(d) RETURN r
  }
  SET r.inferredBy = coalesce(r.inferredBy, []) + [e IN moved WHERE NOT e IN coalesce(r.inferredBy, [])],
      r.evidence = coalesce(r.evidence, []) + [e IN moved WHERE NOT e IN coalesce(r.evidence, [])],
      r.hows = [h IN coalesce(r.hows, []) WHERE NOT split(h, ' ')[0] IN moved] + hows
  SET r.how = CASE WHEN type(r) <> 'DERIVED_FROM' THEN r.how WHEN size(r.hows) = 0 THEN r.how
                   ELSE split(reduce(m = head(r.hows), h IN r.hows | CASE WHEN h < m THEN h ELSE m END), ' ')[1] END
  SET u.evidence = [e IN u.evidence WHERE NOT e IN moved], u.inferredBy = [e IN u.inferredBy WHERE NOT e IN moved],
      u.hows = [h IN coalesce(u.hows, []) WHERE NOT h IN hows]
  WITH u WHERE size(u.evidence) = 0
  DELETE u
} IN TRANSACTIONS OF 1 ROW;
