// Query.submission: where a submitted document is in the pipeline.
import { submissionStatus } from '../../ingest/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import type { Submission } from './schema-types.ts';
import { submissionObject, type QueryArgs } from './views.ts';

export async function submission(_: unknown, args: QueryArgs<'submission'>, context: ApiContext): Promise<Submission | null> {
  const status = await submissionStatus(parseDigest(args.id), context.graph, context.queue);
  return status ? submissionObject(status) : null;
}
