// Writes one attestation's facts in one transaction. Every write is a MERGE on an identity key
// (migrations/001) so replays, duplicates and concurrent workers converge on the same graph.
// A verified attestation is one Cypher statement — one round trip — built from the sections its facts
// need (statement.ts); Neo4j caches its plan per shape (OMS, SLSA, …), so planning is paid once.
// Labels and relationship types cannot be query parameters in Cypher, so they come from the closed
// sets below, never from input.
import neo4j, { ManagedTransaction } from 'neo4j-driver';
import type { GraphConnection } from '../driver.ts';
import { toGraphError } from '../errors.ts';
import type { AttestationFacts, SignerRef } from '../facts.ts';
import { atlasPreamble, atlasSections, unlinkAtlas } from './atlas.ts';
import { bindsOf, claimsSection, HOW, recomputeKinds, rootsOf, withdrawClaims } from './kinds.ts';
import { lineageSections } from './lineage.ts';
import { attestationsAboutFilesOf, filesOf, referrersOf, resolveAttestation, resolveNames } from './resolve.ts';
import { linkWithEvidence, statement, uniqueBy, type Section, type Statement } from './statement.ts';

/** The Attestation node itself; `previous` is its status before this write (null when new). */
const HEAD = `MERGE (att:Attestation {digest: $digest})
ON CREATE SET att.receivedAt = datetime($receivedAt), att.origin = $origin, att.collector = $collector,
              att.document = $document
WITH att, att.status AS previous
SET att.predicateType = $predicateType, att.status = $status, att.reasonCode = $reasonCode,
    att.reason = $reason, att.method = $method, att.claimedSubjects = $claimedSubjects,
    att.verifiedAt = CASE WHEN previous = $status THEN att.verifiedAt ELSE datetime() END
WITH att, previous`;

export interface WriteOutcome {
  /** false when this exact document had already been recorded with the same status. */
  readonly changed: boolean;
}

export async function writeAttestation(graph: GraphConnection, facts: AttestationFacts): Promise<WriteOutcome> {
  const [outcome] = await writeAttestations(graph, [facts]);
  return outcome as WriteOutcome;
}

/**
 * Several attestations in one transaction (group commit, docs/INGEST.md): each one's facts are applied all or nothing
 * with the others', in the order given. The caller retries each on its own when the group fails, so one document's
 * content never fails another's.
 */
export async function writeAttestations(graph: GraphConnection, group: readonly AttestationFacts[]): Promise<WriteOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      const transaction = session.beginTransaction();
      try {
        const tx = ManagedTransaction.fromTransaction(transaction);
        const outcomes: WriteOutcome[] = [];
        for (const facts of group)
          outcomes.push(
            facts.attestation.status === 'verified' ? await applyVerified(tx, facts) : await writeRejected(tx, facts),
          );
        await transaction.commit();
        return outcomes;
      } catch (error) {
        await transaction.rollback().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      const retryable = error instanceof neo4j.Neo4jError && neo4j.isRetryableError(error);
      if (!retryable || attempt >= TRANSACTION_TRIES) {
        const what = group.length === 1 ? `attestation ${group[0]?.attestation.digest}` : `${group.length} attestations`;
        throw toGraphError(error, `writing ${what}`);
      }
    } finally {
      await session.close();
    }
    // Transactions writing the same shared nodes deadlock now and then; the loser is tried again within milliseconds
    // (50, 100, 200 … ms, with jitter so the two do not meet again), not after the driver's own 1 s first delay.
    await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1) * (0.5 + Math.random())));
  }
}

/** Tries of a transaction that failed transiently (deadlock, leader switch) before the error goes to the caller. */
const TRANSACTION_TRIES = 8;

/**
 * A verified attestation is one statement (its own facts, at its subjects), then the settling that depends on
 * what else the graph holds (docs/LINEAGE.md): where its subjects resolve, which statements a manifest's files
 * resolve, and the kinds of the artifacts touched. All in the caller's transaction, retried as a whole on transient
 * failures (deadlock, leader switch); every step is idempotent, so a retry after an unacknowledged commit
 * changes nothing.
 */
async function applyVerified(tx: ManagedTransaction, facts: AttestationFacts): Promise<WriteOutcome> {
  const { text, params } = verifiedStatement(facts);
  const result = await tx.run(text, params);
  const previous: unknown = result.records[0]?.get('previous');
  await settleVerified(tx, facts);
  return { changed: previous !== facts.attestation.status };
}

/** After a verified attestation's own facts: resolution of it and of what its manifest roots' files touch, kinds. */
async function settleVerified(tx: ManagedTransaction, facts: AttestationFacts): Promise<void> {
  const digest = facts.attestation.digest;
  const roots = rootsOf(facts);
  const files = await filesOf(tx, roots);
  const affected = new Set([digest, ...(await attestationsAboutFilesOf(tx, roots))]);
  const touched = new Set([...facts.artifacts.map((a) => a.digest), ...roots, ...files]);
  for (const attestation of [...affected].sort()) for (const d of await resolveAttestation(tx, attestation)) touched.add(d);
  // Names: this attestation's own, then those of every attestation using a name it binds.
  const referrers = new Set([
    ...((facts.references ?? []).length > 0 ? [digest] : []),
    ...(await referrersOf(tx, bindsOf(facts))),
  ]);
  for (const attestation of [...referrers].sort()) for (const d of await resolveNames(tx, attestation)) touched.add(d);
  await recomputeKinds(tx, touched);
}

/** The one statement that records a verified attestation and everything it links (exported for tests). */
export function verifiedStatement(facts: AttestationFacts): Statement {
  const a = facts.attestation;
  const sections: Section[] = [];
  if (a.signer) sections.push(signerSection(a.signer));
  if (facts.artifacts.length > 0) {
    sections.push({
      cypher: `CALL () {
  UNWIND $artifacts AS row
  MERGE (n:Artifact {digest: row.digest})
  ON CREATE SET n.firstSeenAt = datetime(), n.name = row.name
  WITH n, row WHERE n.name IS NULL AND row.name IS NOT NULL
  SET n.name = row.name
}`,
      params: {
        artifacts: sortByDigest(facts.artifacts.map((artifact) => ({ digest: artifact.digest, name: artifact.name ?? null }))),
      },
    });
  }
  if (facts.contains.length > 0) {
    sections.push({
      cypher: `CALL () {
  UNWIND $contains AS row
  MATCH (p:Artifact {digest: row.parent})
  MATCH (c:Artifact {digest: row.child})
  ${linkWithEvidence('p', 'CONTAINS {path: row.path}', 'c', (r) => [`${r}.start = row.start`, `${r}.end = row.end`])}
}`,
      params: {
        contains: uniqueBy(facts.contains, (c) => `${c.parent} ${c.child} ${c.path}`).map((c) => ({
          parent: c.parent,
          child: c.child,
          path: c.path,
          start: c.start === undefined ? null : neo4j.int(c.start),
          end: c.end === undefined ? null : neo4j.int(c.end),
        })),
      },
    });
  }
  sections.push(...lineageSections(facts));
  // What the attestation says each artifact is; the kinds are computed from all claims once it is written.
  sections.push(claimsSection(facts));
  if (facts.attests.length > 0) {
    sections.push({
      // CREATE unless present, not MERGE: att is write-locked by this statement already (its SET above), so no
      // other transaction can link it meanwhile, and the subject is not locked (see linkWithEvidence).
      cypher: `CALL (att) {
  UNWIND $attests AS d
  MATCH (n:Artifact {digest: d})
  OPTIONAL MATCH (att)-[x:ATTESTS]->(n)
  WITH att, n WHERE x IS NULL
  CREATE (att)-[:ATTESTS]->(n)
}`,
      params: { attests: [...new Set(facts.attests)].sort() },
    });
  }
  // Atlas links resolve last: they read the subjects, labels and ATTESTS written above (write/atlas.ts).
  sections.push(...atlasSections(facts));
  const preamble = atlasPreamble(facts);
  if (preamble === undefined) return statement(HEAD, headParams(facts), sections);
  return statement(`${preamble.cypher}\n${HEAD}`, { ...preamble.params, ...headParams(facts) }, sections);
}

async function writeRejected(tx: ManagedTransaction, facts: AttestationFacts): Promise<WriteOutcome> {
  const a = facts.attestation;
  // Security: a rejected attestation links nothing, so nothing it claims can be read back as trusted.
  const head = await tx.run(`${HEAD}\nRETURN previous`, headParams(facts));
  const previous: unknown = head.records[0]?.get('previous');
  // Verified before, rejected now (a key was revoked from the policy): withdraw what it asserted.
  if (previous === 'verified') await withdraw(tx, a.digest);
  return { changed: previous !== a.status };
}

/**
 * Withdraws what a no longer verified attestation asserted, wherever its facts sit (its subjects, or the root they
 * resolved to), and what followed from it: a withdrawn manifest's files no longer resolve statements to its root,
 * and every artifact it made claims on has its kind recomputed.
 */
async function withdraw(tx: ManagedTransaction, digest: string): Promise<void> {
  const head = await tx.run(
    `MATCH (att:Attestation {digest: $digest})
     RETURN coalesce(att.claimedOn, []) AS claimedOn, att.resolvedTo AS resolvedTo, coalesce(att.subjects, []) AS subjects,
            coalesce(att.binds, []) AS binds, [e IN coalesce(att.resolvedNames, []) | split(e, ' ')[1]] AS named,
            [d IN coalesce(att.claimedOn, []) WHERE EXISTS {
              MATCH (n:Artifact {digest: d}) WHERE any(c IN coalesce(n.rootClaims, []) WHERE c ENDS WITH $suffix) }] AS roots`,
    { digest, suffix: ` ${digest}` },
  );
  const record = head.records[0];
  const claimedOn = (record?.get('claimedOn') as string[] | undefined) ?? [];
  const resolvedTo = (record?.get('resolvedTo') as string | null | undefined) ?? null;
  const subjects = (record?.get('subjects') as string[] | undefined) ?? [];
  const roots = (record?.get('roots') as string[] | undefined) ?? [];
  const binds = (record?.get('binds') as string[] | undefined) ?? [];
  const named = (record?.get('named') as string[] | undefined) ?? [];
  const files = await filesOf(tx, roots);
  const affected = (await attestationsAboutFilesOf(tx, roots)).filter((d) => d !== digest);
  await unlink(tx, digest, [...named, ...binds]);
  await unlinkAtlas(tx, digest);
  await withdrawClaims(tx, digest, [...claimedOn, ...(resolvedTo ? [resolvedTo] : [])]);
  await tx.run('MATCH (att:Attestation {digest: $digest}) SET att.resolvedTo = null, att.resolvedNames = []', { digest });
  const touched = new Set([...claimedOn, ...subjects, ...files, ...binds, ...named, ...(resolvedTo ? [resolvedTo] : [])]);
  for (const attestation of affected) for (const d of await resolveAttestation(tx, attestation)) touched.add(d);
  for (const attestation of (await referrersOf(tx, binds)).filter((d) => d !== digest)) {
    for (const d of await resolveNames(tx, attestation)) touched.add(d);
  }
  await recomputeKinds(tx, touched);
}

function headParams(facts: AttestationFacts): Record<string, unknown> {
  const a = facts.attestation;
  return {
    digest: a.digest,
    receivedAt: a.receivedAt,
    origin: a.origin,
    collector: a.collector,
    document: a.document,
    predicateType: a.predicateType,
    status: a.status,
    reasonCode: a.reasonCode,
    reason: a.reason,
    method: a.method,
    claimedSubjects: [...a.claimedSubjects],
  };
}

function signerSection(signer: SignerRef): Section {
  switch (signer.kind) {
    case 'key':
      return {
        // The signer's Key is linked from most attestations: CREATE unless present, as for ATTESTS.
        cypher: `CALL (att) {
  MERGE (k:Key {fingerprint: $signer.fingerprint})
  WITH att, k
  OPTIONAL MATCH (att)-[s:SIGNED_BY]->(k)
  WITH att, k WHERE s IS NULL
  CREATE (att)-[:SIGNED_BY]->(k)
}`,
        params: { signer: { fingerprint: signer.fingerprint } },
      };
    case 'identity':
      return {
        cypher: `CALL (att) {
  MERGE (i:Identity {key: $signer.key})
  ON CREATE SET i.issuer = $signer.issuer, i.subject = $signer.subject
  WITH att, i
  OPTIONAL MATCH (att)-[s:SIGNED_BY]->(i)
  WITH att, i WHERE s IS NULL
  CREATE (att)-[:SIGNED_BY]->(i)
}`,
        params: { signer: { key: `${signer.issuer} ${signer.subject}`, issuer: signer.issuer, subject: signer.subject } },
      };
    case 'certificate':
      // The certificate's key is linked too, so a trace on a compromised key finds certificate signatures.
      return {
        cypher: `CALL (att) {
  MERGE (c:Certificate {fingerprint: $signer.fingerprint})
  ON CREATE SET c.subject = $signer.subject, c.issuer = $signer.issuer
  MERGE (k:Key {fingerprint: $signer.keyFingerprint})
  MERGE (c)-[:CERTIFIES]->(k)
  WITH att, c
  OPTIONAL MATCH (att)-[s:SIGNED_BY]->(c)
  WITH att, c WHERE s IS NULL
  CREATE (att)-[:SIGNED_BY]->(c)
}`,
        params: {
          signer: {
            fingerprint: signer.fingerprint,
            subject: signer.subject,
            issuer: signer.issuer,
            keyFingerprint: signer.keyFingerprint,
          },
        },
      };
  }
}

/**
 * Removes the attestation's own links (signer, subjects, a card's DESCRIBES edges with the fields it gave),
 * then its evidence from every edge it asserted, and edges left with no evidence. Every asserted edge touches
 * one of the attestation's subjects or the run that produced one (docs/LINEAGE.md), so the search starts there.
 */
async function unlink(tx: ManagedTransaction, attestation: string, named: readonly string[] = []): Promise<void> {
  await tx.run(
    `MATCH (att:Attestation {digest: $attestation})
     OPTIONAL MATCH (att)-[link:SIGNED_BY|ATTESTS|DESCRIBES]->()
     DELETE link`,
    { attestation },
  );
  await tx.run(
    `MATCH (att:Attestation {digest: $attestation})
     UNWIND att.claimedSubjects + [att.resolvedTo] + $named AS subject
     MATCH (n:Artifact {digest: subject})
     OPTIONAL MATCH (n)-[:PRODUCED_BY]->(run:PipelineRun)
     WITH n, collect(run) AS runs
     UNWIND [n] + runs AS m
     MATCH (m)-[r]-()
     WHERE $attestation IN coalesce(r.evidence, [])
     WITH DISTINCT r
     SET r._lock = true
     WITH r
     SET r.evidence = [e IN r.evidence WHERE e <> $attestation],
         r.inferredBy = CASE WHEN r.inferredBy IS NULL THEN null ELSE [e IN r.inferredBy WHERE e <> $attestation] END,
         r.hows = CASE WHEN r.hows IS NULL THEN null ELSE [h IN r.hows WHERE NOT h STARTS WITH $attestation + ' '] END
     SET r.how = CASE WHEN type(r) = 'DERIVED_FROM' THEN ${HOW('r')} ELSE r.how END
     REMOVE r._lock
     WITH r WHERE size(r.evidence) = 0
     DELETE r`,
    { attestation, named: [...named] },
  );
}

function sortByDigest<T extends { digest: string }>(rows: T[]): T[] {
  // A fixed lock order across concurrent transactions avoids most deadlocks.
  return rows.sort((x, y) => (x.digest < y.digest ? -1 : x.digest > y.digest ? 1 : 0));
}
