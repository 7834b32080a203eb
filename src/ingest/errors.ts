// Ingest faults. QUEUE_UNAVAILABLE (Redis unreachable) and QUEUE_FULL (Redis memory near its limit) are retryable by
// the client; the others are the caller's mistake.
import { CodedError } from '../coded-error.ts';

export type IngestErrorCode = 'PAYLOAD_TOO_LARGE' | 'EMPTY_DOCUMENT' | 'QUEUE_UNAVAILABLE' | 'QUEUE_FULL' | 'INVALID_JOB';

export class IngestError extends CodedError<IngestErrorCode> {}
