// Query.lineage: the subgraph around one artifact, each edge with its evidence.
import { readLineage, TooManyNodes, type LineageResult } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, parseDigest } from '../errors.ts';
import { parseDepth } from './depth.ts';
import type { Lineage } from './schema-types.ts';
import { evidenceObject, type QueryArgs } from './views.ts';

export async function lineage(_: unknown, args: QueryArgs<'lineage'>, context: ApiContext): Promise<Lineage | null> {
  // A lineage is one unpaginated graph: past the limit it is refused rather than sent (a foundation model's
  // downstream at depth 10 can reach a hundred thousand nodes).
  // The operation's other lineages count too: together they stay within one answer's worth of nodes.
  const depth = parseDepth(args.maxDepth);
  const maxNodes = Math.min(context.maxLineageNodes, context.budget?.lineageNodes ?? context.maxLineageNodes);
  let result: LineageResult | null;
  try {
    result = await readLineage(context.graph, parseDigest(args.digest), args.direction, depth, { maxNodes });
  } catch (error) {
    if (!(error instanceof TooManyNodes)) throw error;
    const shared =
      maxNodes < context.maxLineageNodes ? ' (what is left of this operation’s budget after its other lineages)' : '';
    throw new ApiError(
      'RESULT_TOO_LARGE',
      `the lineage reaches ${error.reached} nodes within ${depth} hops, more than ${error.limit}${shared}: ask with a smaller maxDepth or one direction (incidentTrace and modelsTrainedOn page through large answers)`,
    );
  }
  if (!result) return null;
  context.budget?.spendLineage(result.nodes.length);
  return { ...result, edges: result.edges.map((edge) => ({ ...edge, evidence: edge.evidence.map(evidenceObject) })) };
}
