// Query.submission: where a submitted document is in the pipeline; Query.ingestBatch: how far a batch has come.
import { submissionStatus, type BatchProgress } from '../../ingest/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { ApiError } from '../errors.ts';
import { MAX_PAGE } from './pagination.ts';
import type { BatchProblem, CodeCount, IngestBatchProblemsArgs, QueryIngestBatchArgs, Submission } from './schema-types.ts';
import { submissionObject, type QueryArgs } from './views.ts';

export async function submission(_: unknown, args: QueryArgs<'submission'>, context: ApiContext): Promise<Submission | null> {
  const status = await submissionStatus(parseDigest(args.id), context.graph, context.queue);
  return status ? submissionObject(status) : null;
}

/** A batch's counts; its problems are read when the query selects them. */
export type IngestBatchParent = Omit<BatchProgress, 'problems'>;

export async function ingestBatch(
  _: unknown,
  args: QueryIngestBatchArgs,
  context: ApiContext,
): Promise<IngestBatchParent | null> {
  return context.queue.batchProgress(args.id, 0, 0);
}

export const IngestBatch = {
  rejectedByCode: (batch: IngestBatchParent): CodeCount[] =>
    Object.entries(batch.rejectedByCode).map(([code, count]) => ({ code, count })),
  async problems(batch: IngestBatchParent, args: IngestBatchProblemsArgs, context: ApiContext): Promise<BatchProblem[]> {
    const offset = args.offset ?? 0;
    const first = args.first ?? 100;
    if (offset < 0 || first < 0 || first > MAX_PAGE)
      throw new ApiError('BAD_REQUEST', `problems: offset must be ≥ 0 and first from 0 to ${MAX_PAGE}`);
    const page = await context.queue.batchProgress(batch.id, offset, first);
    return (page?.problems ?? []).map((p) => ({
      id: p.id,
      origin: p.origin,
      state: p.state === 'failed' ? 'FAILED' : 'REJECTED',
      code: p.code,
      message: p.message,
    }));
  },
};
