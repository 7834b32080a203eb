// Ingest faults. QUEUE_UNAVAILABLE is retryable by the client; the others are the caller's mistake.
export type IngestErrorCode = 'PAYLOAD_TOO_LARGE' | 'EMPTY_DOCUMENT' | 'QUEUE_UNAVAILABLE' | 'INVALID_JOB';

export class IngestError extends Error {
  readonly code: IngestErrorCode;
  constructor(code: IngestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
    this.code = code;
  }
}
