// Public door of the ingest domain: submit documents, run the worker, read a submission's state.
export { IngestError } from './errors.ts';
export type { IngestErrorCode } from './errors.ts';
export { groupWriter } from './group-commit.ts';
export type { GroupOptions } from './group-commit.ts';
export { ingestDocument } from './pipeline.ts';
export type { IngestOutcome, PipelineDeps } from './pipeline.ts';
export { createIngestQueue } from './queue.ts';
export type {
  BatchDocument,
  FailedJob,
  IngestQueue,
  JobState,
  JobStatus,
  QueueMemory,
  QueueOptions,
  Submitted,
  SubmittedBatch,
} from './queue.ts';
export type { BatchProblem, BatchProgress, BatchState } from './batch.ts';
export { startIngestWorker } from './worker.ts';
export type { IngestWorker, JobResult, WorkerEvent, WorkerOptions } from './worker.ts';
export { submissionStatus } from './status.ts';
export type { SubmissionState, SubmissionStatus } from './status.ts';
export { isSubmissionId, submissionId } from './submission.ts';
export type { SubmissionMeta } from './submission.ts';
export { factsFromResult } from './facts.ts';
