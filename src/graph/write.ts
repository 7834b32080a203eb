// Writes one attestation's facts in one transaction. Every write is a MERGE on an identity key
// (migrations/001) so replays, duplicates and concurrent workers converge on the same graph.
// Labels and relationship types cannot be query parameters in Cypher, so they come from the
// closed sets below, never from input.
import type { ManagedTransaction } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import type { GraphConnection } from './driver.ts';
import { toGraphError } from './errors.ts';
import type { ArtifactLabel, AttestationFacts, SignerRef } from './facts.ts';
import { ADD_EVIDENCE, writeLineage } from './write-lineage.ts';

const ARTIFACT_LABELS: readonly ArtifactLabel[] = ['Model', 'Dataset', 'File', 'SignedRoot'];

/** How each kind of claim changes a node's labels, so arrival order does not change the outcome. */
const LABEL_UPDATES: Record<ArtifactLabel, string> = {
  Model: 'SET n:Model, n.declaredModel = true',
  // A Dataset claim overrides the Model label that only an OMS signature implied.
  Dataset: 'SET n:Dataset WITH n WHERE n.declaredModel IS NULL REMOVE n:Model',
  File: 'SET n:File',
  SignedRoot: 'SET n.omsSigned = true WITH n WHERE NOT n:Dataset SET n:Model',
};

export interface WriteOutcome {
  /** false when this exact document had already been recorded with the same status. */
  readonly changed: boolean;
}

export async function writeAttestation(graph: GraphConnection, facts: AttestationFacts): Promise<WriteOutcome> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.WRITE });
  try {
    return await session.executeWrite((tx) => writeInTransaction(tx, facts));
  } catch (error) {
    throw toGraphError(error, `writing attestation ${facts.attestation.digest}`);
  } finally {
    await session.close();
  }
}

async function writeInTransaction(tx: ManagedTransaction, facts: AttestationFacts): Promise<WriteOutcome> {
  const a = facts.attestation;
  const head = await tx.run(
    `MERGE (att:Attestation {digest: $digest})
     ON CREATE SET att.receivedAt = datetime($receivedAt), att.origin = $origin, att.collector = $collector,
                   att.document = $document
     WITH att, att.status AS previous
     SET att.predicateType = $predicateType, att.status = $status, att.reasonCode = $reasonCode,
         att.reason = $reason, att.method = $method, att.claimedSubjects = $claimedSubjects,
         att.verifiedAt = CASE WHEN previous = $status THEN att.verifiedAt ELSE datetime() END
     RETURN previous`,
    {
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
    },
  );
  const previous: unknown = head.records[0]?.get('previous');
  // Security: a rejected attestation links nothing, so nothing it claims can be read back as trusted.
  if (a.status !== 'verified') {
    // Verified before, rejected now (a key was revoked from the policy): withdraw what it asserted.
    if (previous === 'verified') await unlink(tx, a.digest);
    return { changed: previous !== a.status };
  }

  if (a.signer) await linkSigner(tx, a.digest, a.signer);
  if (facts.artifacts.length > 0) {
    await tx.run(
      `UNWIND $rows AS row
       MERGE (n:Artifact {digest: row.digest})
       ON CREATE SET n.firstSeenAt = datetime()
       SET n.name = coalesce(n.name, row.name)`,
      { rows: sortByDigest(facts.artifacts.map((artifact) => ({ digest: artifact.digest, name: artifact.name ?? null }))) },
    );
  }
  for (const label of ARTIFACT_LABELS) {
    const digests = facts.artifacts.filter((artifact) => artifact.labels.includes(label)).map((artifact) => artifact.digest);
    if (digests.length === 0) continue;
    await tx.run(`UNWIND $digests AS d MATCH (n:Artifact {digest: d}) ${LABEL_UPDATES[label]}`, { digests: digests.sort() });
  }
  if (facts.contains.length > 0) {
    await tx.run(
      `UNWIND $rows AS row
       MATCH (p:Artifact {digest: row.parent})
       MATCH (c:Artifact {digest: row.child})
       MERGE (p)-[r:CONTAINS {path: row.path}]->(c)
       SET r.start = row.start, r.end = row.end, ${ADD_EVIDENCE('r')}`,
      {
        attestation: a.digest,
        rows: facts.contains.map((c) => ({
          parent: c.parent,
          child: c.child,
          path: c.path,
          start: c.start === undefined ? null : neo4j.int(c.start),
          end: c.end === undefined ? null : neo4j.int(c.end),
        })),
      },
    );
  }
  await writeLineage(tx, a.digest, facts);
  if (facts.attests.length > 0) {
    await tx.run(
      `MATCH (att:Attestation {digest: $attestation})
       UNWIND $digests AS d
       MATCH (n:Artifact {digest: d})
       MERGE (att)-[:ATTESTS]->(n)`,
      { attestation: a.digest, digests: [...facts.attests].sort() },
    );
  }
  return { changed: previous !== a.status };
}

async function linkSigner(tx: ManagedTransaction, attestation: string, signer: SignerRef): Promise<void> {
  switch (signer.kind) {
    case 'key':
      await tx.run(
        `MATCH (att:Attestation {digest: $attestation})
         MERGE (k:Key {fingerprint: $fingerprint})
         MERGE (att)-[:SIGNED_BY]->(k)`,
        { attestation, fingerprint: signer.fingerprint },
      );
      return;
    case 'identity':
      await tx.run(
        `MATCH (att:Attestation {digest: $attestation})
         MERGE (i:Identity {key: $key})
         ON CREATE SET i.issuer = $issuer, i.subject = $subject
         MERGE (att)-[:SIGNED_BY]->(i)`,
        { attestation, key: `${signer.issuer} ${signer.subject}`, issuer: signer.issuer, subject: signer.subject },
      );
      return;
    case 'certificate':
      // The certificate's key is linked too, so a trace on a compromised key finds certificate signatures.
      await tx.run(
        `MATCH (att:Attestation {digest: $attestation})
         MERGE (c:Certificate {fingerprint: $fingerprint})
         ON CREATE SET c.subject = $subject, c.issuer = $issuer
         MERGE (k:Key {fingerprint: $keyFingerprint})
         MERGE (c)-[:CERTIFIES]->(k)
         MERGE (att)-[:SIGNED_BY]->(c)`,
        { attestation, ...signer },
      );
      return;
  }
}

/**
 * Removes an attestation's evidence from every edge it asserted, and edges left with no evidence.
 * Every asserted edge touches one of the attestation's subjects or the run that produced one
 * (docs/LINEAGE.md), so the search starts there.
 */
async function unlink(tx: ManagedTransaction, attestation: string): Promise<void> {
  await tx.run(
    `MATCH (att:Attestation {digest: $attestation})
     OPTIONAL MATCH (att)-[own:SIGNED_BY|ATTESTS]->()
     DELETE own`,
    { attestation },
  );
  await tx.run(
    `MATCH (att:Attestation {digest: $attestation})
     UNWIND att.claimedSubjects AS subject
     MATCH (n:Artifact {digest: subject})
     OPTIONAL MATCH (n)-[:PRODUCED_BY]->(run:PipelineRun)
     WITH [n] + collect(run) AS nodes
     UNWIND nodes AS m
     MATCH (m)-[r]-()
     WHERE $attestation IN coalesce(r.evidence, [])
     WITH DISTINCT r
     SET r.evidence = [e IN r.evidence WHERE e <> $attestation]
     WITH r WHERE size(r.evidence) = 0
     DELETE r`,
    { attestation },
  );
}

function sortByDigest<T extends { digest: string }>(rows: T[]): T[] {
  // A fixed lock order across concurrent transactions avoids most deadlocks.
  return rows.sort((x, y) => (x.digest < y.digest ? -1 : x.digest > y.digest ? 1 : 0));
}
