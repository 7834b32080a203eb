// The state of one submission, combined from the graph (the durable record) and the queue (in flight).
import { findAttestation, type AttestationView, type GraphConnection } from '../graph/index.ts';
import type { IngestQueue } from './queue.ts';

export type SubmissionState = 'queued' | 'processing' | 'verified' | 'rejected' | 'failed';

export interface SubmissionStatus {
  readonly id: string;
  readonly state: SubmissionState;
  /** present once the worker has recorded the attestation. */
  readonly attestation: AttestationView | null;
  /** infrastructure error of the last attempt, while retrying or after giving up. */
  readonly error: string | null;
  readonly attempts: number;
}

export async function submissionStatus(id: string, graph: GraphConnection, queue: IngestQueue): Promise<SubmissionStatus | null> {
  const attestation = await findAttestation(graph, id);
  if (attestation) return { id, state: attestation.status, attestation, error: null, attempts: 0 };
  const job = await queue.jobStatus(id);
  if (!job) return null;
  // A completed job whose attestation is not (yet) readable is reported as processing, never as done.
  const state: SubmissionState = job.state === 'completed' ? 'processing' : job.state;
  return { id, state, attestation: null, error: job.failedReason, attempts: job.attemptsMade };
}
