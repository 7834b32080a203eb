// Query.modelsTrainedOn: every model that came from a dataset, with its path.
import { modelsTrainedOn as findModels } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { parseDepth } from './depth.ts';
import type { AffectedConnection } from './schema-types.ts';
import { explainPage, type QueryArgs } from './views.ts';

export async function modelsTrainedOn(
  _: unknown,
  args: QueryArgs<'modelsTrainedOn'>,
  context: ApiContext,
): Promise<AffectedConnection> {
  const question = [parseDigest(args.dataset), args.transitive, parseDepth(args.maxDepth)] as const;
  const trace = () => findModels(context.graph, ...question);
  const result = await (context.traces ? context.traces.get(['modelsTrainedOn', ...question], trace, !args.after) : trace());
  return explainPage(result, args.first, args.after);
}
