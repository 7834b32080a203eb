// Ingest as a pipeline of plain functions: verify → extract facts → write in one transaction.
// The BullMQ worker is a thin adapter over `ingestDocument`, and tests call it directly.
import { writeAttestation, type AttestationFacts, type GraphConnection, type WriteOutcome } from '../graph/index.ts';
import { verifyDocument, type TrustPolicy, type VerificationResult } from '../verify/index.ts';
import { factsFromResult } from './facts.ts';
import type { SubmissionMeta } from './submission.ts';

export interface PipelineDeps {
  readonly graph: GraphConnection;
  /** how facts are written: one transaction each (default), or gathered into groups (group-commit.ts). */
  readonly write?: (facts: AttestationFacts) => Promise<WriteOutcome>;
  /** the trust policy in force now (the store behind it may reload the file). */
  readonly policy: () => TrustPolicy;
  readonly now?: () => Date;
}

export interface IngestOutcome {
  readonly result: VerificationResult;
  readonly write: WriteOutcome;
}

/**
 * Verifies one document and records the outcome. A rejected document is recorded too — that is
 * a result, not an error. Throws only for infrastructure faults (GraphError), which the queue retries.
 */
export async function ingestDocument(document: Uint8Array, meta: SubmissionMeta, deps: PipelineDeps): Promise<IngestOutcome> {
  const now = deps.now?.() ?? new Date();
  const result = await verifyDocument(document, deps.policy(), { now });
  const text = new TextDecoder('utf-8', { fatal: false }).decode(document);
  const facts = factsFromResult(result, text, meta);
  const write = await (deps.write ?? ((f: AttestationFacts) => writeAttestation(deps.graph, f)))(facts);
  return { result, write };
}
