// Query.model: a model by its root digest.
import { findArtifact } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { artifactObject } from './views.ts';

export async function model(_: unknown, args: { digest: string }, context: ApiContext) {
  const view = await findArtifact(context.graph, parseDigest(args.digest));
  return view && view.labels.includes('Model') ? artifactObject(view) : null;
}
