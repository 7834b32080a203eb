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
  const [job, attestation] = await Promise.all([queue.jobStatus(id), findAttestation(graph, id)]);
  // Work in flight wins over an older verdict: a resubmitted document is being verified again.
  if (job && (job.state === 'queued' || job.state === 'processing')) {
    return { id, state: job.state, attestation, error: job.failedReason, attempts: job.attemptsMade };
  }
  if (attestation) return { id, state: attestation.status, attestation, error: null, attempts: job?.attemptsMade ?? 0 };
  if (!job) return null;
  // A completed job whose attestation is not readable is reported as processing, never as done.
  const state: SubmissionState = job.state === 'completed' ? 'processing' : job.state;
  return { id, state, attestation: null, error: job.failedReason, attempts: job.attemptsMade };
}
