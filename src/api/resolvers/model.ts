// Query.model: a model by its root digest.
import { findArtifact } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import type { Model } from './schema-types.ts';
import { artifactObject, type QueryArgs } from './views.ts';

export async function model(_: unknown, args: QueryArgs<'model'>, context: ApiContext): Promise<Model | null> {
  const view = await findArtifact(context.graph, parseDigest(args.digest));
  return view && view.labels.includes('Model') ? artifactObject(view) : null;
}
