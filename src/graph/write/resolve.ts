// Subject resolution (docs/LINEAGE.md, "Files and the artifact they make up"): a statement whose subjects are files
// a manifest lists is about the manifest's artifact. Its facts — edges with its digest as evidence, ATTESTS, kind
// claims — sit on the files while no single manifest matches, and on the manifest's root while exactly one does;
// they move whenever that changes (a manifest verified, a manifest withdrawn), in the transaction that changes it.
//
// Which manifest matches the subject set S: the one listing exactly the files of S, if exactly one does; else the
// one listing all of S among more files, if exactly one does; else none (S stays file-level: a shared tokenizer
// alone, a set spread over two manifests).
import type { ManagedTransaction } from 'neo4j-driver';
import { LINEAGE_TYPES } from '../views.ts';
import { HOW, NAME_PREFIX } from './kinds.ts';

/** Every lineage edge but CONTAINS (a manifest's own, about its files) follows its attestation's subjects. */
const MOVABLE = LINEAGE_TYPES.filter((type) => type !== 'CONTAINS');

/** The manifest root the subjects resolve to now, or null. The subjects are write-locked first (see settle). */
async function matchingRoot(tx: ManagedTransaction, subjects: readonly string[]): Promise<string | null> {
  const first = subjects[0];
  if (first === undefined) return null;
  const result = await tx.run(
    `UNWIND $subjects AS sd
     MATCH (s:Artifact {digest: sd})
     SET s._lock = true
     REMOVE s._lock
     WITH count(*) AS locked
     MATCH (:Artifact {digest: $first})<-[:CONTAINS]-(p:Artifact)
     WITH DISTINCT p
     WITH p, COLLECT { MATCH (p)-[:CONTAINS]->(g:Artifact) RETURN DISTINCT g.digest } AS files
     WHERE all(s IN $subjects WHERE s IN files)
     RETURN p.digest AS root, size(files) = size($subjects) AS exact`,
    { subjects, first },
  );
  const rows = result.records.map((r) => ({ root: String(r.get('root')), exact: r.get('exact') === true }));
  const exact = rows.filter((r) => r.exact);
  if (exact.length === 1) return exact[0]?.root ?? null;
  if (exact.length === 0 && rows.length === 1) return rows[0]?.root ?? null;
  return null;
}

/**
 * Moves what `attestation` asserted at the nodes `from` to the nodes `to`: each edge carrying its digest as evidence
 * (the same type, the same other end, its own properties), its ATTESTS and its kind claims. An edge left without
 * evidence is deleted. Idempotent: what is already at `to` is merged into.
 */
async function move(tx: ManagedTransaction, attestation: string, from: readonly string[], to: readonly string[]): Promise<void> {
  if (from.length === 0 || to.length === 0) return;
  const params = { att: attestation, from: [...from].sort(), to: [...to].sort(), movable: MOVABLE, suffix: ` ${attestation}` };
  await tx.run(
    `UNWIND $from AS fd
     MATCH (f:Artifact {digest: fd})-[e]-(o)
     WHERE $att IN coalesce(e.evidence, []) AND type(e) IN $movable
       AND NOT (o:Artifact AND (o.digest IN $from OR o.digest IN $to))
     WITH DISTINCT e, o, startNode(e) = f AS out
     UNWIND $to AS td
     MATCH (t:Artifact {digest: td})
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
     SET r._lock = true
     WITH e, r
     SET r.result = coalesce(r.result, e.result), r.url = coalesce(r.url, e.url),
         r.evidence = CASE WHEN $att IN coalesce(r.evidence, []) THEN r.evidence ELSE coalesce(r.evidence, []) + $att END,
         r.inferredBy = CASE WHEN NOT $att IN coalesce(e.inferredBy, []) OR $att IN coalesce(r.inferredBy, []) THEN r.inferredBy
                             ELSE coalesce(r.inferredBy, []) + $att END,
         r.hows = CASE WHEN e.hows IS NULL THEN r.hows
                       ELSE [h IN coalesce(r.hows, []) WHERE NOT h STARTS WITH $att + ' '] + [h IN e.hows WHERE h STARTS WITH $att + ' '] END
     SET r.how = CASE WHEN type(r) = 'DERIVED_FROM' THEN coalesce(${HOW('r')}, e.how) ELSE r.how END
     REMOVE r._lock
     WITH DISTINCT e
     SET e._lock = true
     WITH e
     SET e.evidence = [x IN e.evidence WHERE x <> $att],
         e.inferredBy = CASE WHEN e.inferredBy IS NULL THEN null ELSE [x IN e.inferredBy WHERE x <> $att] END,
         e.hows = CASE WHEN e.hows IS NULL THEN null ELSE [h IN e.hows WHERE NOT h STARTS WITH $att + ' '] END
     SET e.how = CASE WHEN type(e) = 'DERIVED_FROM' THEN ${HOW('e')} ELSE e.how END
     REMOVE e._lock
     WITH e WHERE size(e.evidence) = 0
     DELETE e`,
    params,
  );
  await tx.run(
    `MATCH (a:Attestation {digest: $att})
     CALL (a) {
       MATCH (a)-[x:ATTESTS]->(f:Artifact) WHERE f.digest IN $from DELETE x
     }
     WITH a WHERE a.status = 'verified'
     UNWIND $to AS td
     MATCH (t:Artifact {digest: td})
     OPTIONAL MATCH (a)-[x:ATTESTS]->(t)
     WITH a, t WHERE x IS NULL
     CREATE (a)-[:ATTESTS]->(t)`,
    params,
  );
  await tx.run(
    `UNWIND $from AS fd
     MATCH (f:Artifact {digest: fd})
     WITH f, [c IN coalesce(f.kindClaims, []) WHERE c ENDS WITH $suffix] AS mine
     WHERE size(mine) > 0
     SET f._lock = true
     SET f.kindClaims = [c IN f.kindClaims WHERE NOT c ENDS WITH $suffix]
     REMOVE f._lock
     WITH collect(mine) AS mines
     WITH reduce(acc = [], m IN mines | acc + [c IN m WHERE NOT c IN acc]) AS moved
     WHERE size(moved) > 0
     UNWIND $to AS td
     MATCH (t:Artifact {digest: td})
     SET t._lock = true
     SET t.kindClaims = coalesce(t.kindClaims, []) + [c IN moved WHERE NOT c IN coalesce(t.kindClaims, [])]
     REMOVE t._lock
     WITH count(*) AS done
     MATCH (a:Attestation {digest: $att})
     SET a.claimedOn = coalesce(a.claimedOn, []) + [d IN $to WHERE NOT d IN coalesce(a.claimedOn, [])]`,
    params,
  );
}

/**
 * Places a verified attestation's facts where its subjects resolve now (on the matching root, or on the files), and
 * records the choice as `resolvedTo`. Returns the nodes whose facts changed (to have their kinds recomputed).
 */
export async function resolveAttestation(tx: ManagedTransaction, attestation: string): Promise<string[]> {
  const head = await tx.run(
    `MATCH (a:Attestation {digest: $att}) WHERE a.status = 'verified'
     RETURN a.subjects AS subjects, a.resolvedTo AS resolvedTo,
            EXISTS { MATCH (:Artifact)-[:CONTAINS]->(s:Artifact) WHERE s.digest = head(a.subjects) } AS listed`,
    { att: attestation },
  );
  const record = head.records[0];
  if (!record) return [];
  const subjects = ((record.get('subjects') as string[] | null) ?? []).slice().sort();
  const current = record.get('resolvedTo') as string | null;
  // Nothing to resolve: a manifest's own statement (its subject is its root), or subjects no manifest lists.
  if (current === null && record.get('listed') !== true) return [];
  const target = await matchingRoot(tx, subjects);
  if (target === null && current === null) return [];
  if (target !== null) {
    // Also from the subjects when already resolved: the same document submitted again re-asserted its facts there.
    await move(
      tx,
      attestation,
      [...subjects, ...(current !== null && current !== target ? [current] : [])].filter((d) => d !== target),
      [target],
    );
  } else if (current !== null) {
    await move(tx, attestation, [current], subjects);
  }
  if (target !== current) {
    await tx.run('MATCH (a:Attestation {digest: $att}) SET a.resolvedTo = $target', { att: attestation, target });
  }
  return [...subjects, ...(current ? [current] : []), ...(target ? [target] : [])];
}

/**
 * Places a verified attestation's facts about each name its dependencies use (docs/LINEAGE.md, "Names") on the one
 * content-identified artifact verified evidence binds the name to (SAME_AS), or on the name while none or several
 * are bound. The choice per name is kept as `resolvedNames` ("<name> <artifact>"). Returns the nodes whose facts
 * changed.
 */
export async function resolveNames(tx: ManagedTransaction, attestation: string): Promise<string[]> {
  const head = await tx.run(
    `MATCH (a:Attestation {digest: $att}) WHERE a.status = 'verified'
     RETURN coalesce(a.references, []) AS names, coalesce(a.resolvedNames, []) AS resolved`,
    { att: attestation },
  );
  const record = head.records[0];
  if (!record) return [];
  const names = (record.get('names') as string[]).slice().sort();
  if (names.length === 0) return [];
  const resolved = new Map(
    (record.get('resolved') as string[]).map((entry) => [
      entry.slice(0, entry.indexOf(' ')),
      entry.slice(entry.indexOf(' ') + 1),
    ]),
  );
  const targets = await tx.run(
    `UNWIND $names AS name
     MATCH (n:Artifact {digest: name})
     SET n._lock = true
     REMOVE n._lock
     WITH n, COLLECT { MATCH (n)-[:SAME_AS]->(t:Artifact) WHERE NOT t.digest STARTS WITH $prefix RETURN DISTINCT t.digest } AS bound
     RETURN n.digest AS name, CASE WHEN size(bound) = 1 THEN bound[0] ELSE null END AS target`,
    { names, prefix: NAME_PREFIX },
  );
  const touched: string[] = [];
  const next = new Map<string, string>();
  for (const row of targets.records) {
    const name = String(row.get('name'));
    const target = row.get('target') as string | null;
    const current = resolved.get(name) ?? null;
    if (target !== null) next.set(name, target);
    if (target === current) {
      // The same document again re-asserted its facts at the name: gather them again.
      if (target !== null) await move(tx, attestation, [name], [target]);
      continue;
    }
    await move(tx, attestation, [current ?? name], [target ?? name]);
    touched.push(name, ...(current ? [current] : []), ...(target ? [target] : []));
  }
  await tx.run('MATCH (a:Attestation {digest: $att}) SET a.resolvedNames = $resolved', {
    att: attestation,
    resolved: [...next].map(([name, target]) => `${name} ${target}`).sort(),
  });
  return touched;
}

/** The attestations whose dependencies use these names (their resolution follows the names' bindings). */
export async function referrersOf(tx: ManagedTransaction, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const result = await tx.run(
    `UNWIND $names AS name MATCH (n:Artifact {digest: name}) UNWIND coalesce(n.referencedBy, []) AS d RETURN DISTINCT d ORDER BY d`,
    { names: [...names] },
  );
  return result.records.map((r) => String(r.get('d')));
}

/**
 * The verified attestations whose resolution a change to these manifest roots may change: those about one of the
 * roots' files (their ATTESTS are still on the files) and those resolved to a root that shares a file with them.
 * Read after the roots' files are write-locked by the change (CONTAINS created or about to be deleted).
 */
export async function attestationsAboutFilesOf(tx: ManagedTransaction, roots: readonly string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  const result = await tx.run(
    `UNWIND $roots AS rd
     MATCH (:Artifact {digest: rd})-[:CONTAINS]->(f:Artifact)
     WITH DISTINCT f
     CALL (f) {
       MATCH (a:Attestation)-[:ATTESTS]->(f) RETURN a
       UNION
       MATCH (f)<-[:CONTAINS]-(q:Artifact)<-[:ATTESTS]-(a:Attestation) WHERE a.resolvedTo = q.digest RETURN a
     }
     WITH DISTINCT a WHERE a.status = 'verified'
     RETURN a.digest AS digest ORDER BY digest`,
    { roots: [...roots] },
  );
  return result.records.map((r) => String(r.get('digest')));
}

/**
 * The files the roots list (their kinds follow from CONTAINS), write-locked in digest order: a statement about them
 * resolving concurrently locks them too (matchingRoot), so it either sees this transaction's change or is seen by it.
 */
export async function filesOf(tx: ManagedTransaction, roots: readonly string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  const result = await tx.run(
    `UNWIND $roots AS rd
     MATCH (:Artifact {digest: rd})-[:CONTAINS]->(f:Artifact)
     WITH DISTINCT f ORDER BY f.digest
     SET f._lock = true
     REMOVE f._lock
     RETURN f.digest AS digest`,
    { roots: [...roots] },
  );
  return result.records.map((r) => String(r.get('digest')));
}
