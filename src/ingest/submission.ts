// A submission is identified by the SHA-256 of the document's bytes, so the same document sent twice
// is one submission: the queue deduplicates on the job id and the graph MERGEs on the digest.
import { createHash } from 'node:crypto';

const ID_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function submissionId(document: Uint8Array): string {
  return `sha256:${createHash('sha256').update(document).digest('hex')}`;
}

export function isSubmissionId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** BullMQ job ids must not contain ':' (it separates Redis key parts). */
export function jobIdFor(id: string): string {
  return id.replace(':', '-');
}

/** Where a document came from and how it arrived: kept on the attestation node. */
export interface SubmissionMeta {
  readonly origin: string;
  readonly collector: string;
  readonly receivedAt: string;
}
