// Query.lineage: the subgraph around one artifact, each edge with its evidence.
import { readLineage } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { parseDigest } from '../errors.ts';
import { parseDepth } from './depth.ts';
import { evidenceObject } from './views.ts';

export async function lineage(
  _: unknown,
  args: { digest: string; direction: 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH'; maxDepth: number },
  context: ApiContext,
) {
  const result = await readLineage(context.graph, parseDigest(args.digest), args.direction, parseDepth(args.maxDepth));
  if (!result) return null;
  return { ...result, edges: result.edges.map((edge) => ({ ...edge, evidence: edge.evidence.map(evidenceObject) })) };
}
