// Query.dataset: a dataset by its content digest.
import { findArtifact } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import type { Artifact } from './schema-types.ts';
import { artifactObject, type QueryArgs } from './views.ts';

export async function dataset(_: unknown, args: QueryArgs<'dataset'>, context: ApiContext): Promise<Artifact | null> {
  const view = await findArtifact(context.graph, parseDigest(args.digest));
  return view && view.labels.includes('Dataset') ? artifactObject(view) : null;
}
