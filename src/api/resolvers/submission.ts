// Query.submission: where a submitted document is in the pipeline.
import { submissionStatus } from '../../ingest/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { submissionObject } from './views.ts';

export async function submission(_: unknown, args: { id: string }, context: ApiContext) {
  const status = await submissionStatus(parseDigest(args.id), context.graph, context.queue);
  return status ? submissionObject(status) : null;
}
