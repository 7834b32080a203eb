// Query.dataset: a dataset by its content digest.
import { findArtifact } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { artifactObject } from './views.ts';

export async function dataset(_: unknown, args: { digest: string }, context: ApiContext) {
  const view = await findArtifact(context.graph, parseDigest(args.digest));
  return view && view.labels.includes('Dataset') ? artifactObject(view) : null;
}
