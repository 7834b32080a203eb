// Traversal depth argument: bounded so one query cannot walk the whole graph.
import { MAX_DEPTH } from '../../graph/index.ts';
import { ApiError } from '../errors.ts';

export function parseDepth(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_DEPTH) {
    throw new ApiError('BAD_REQUEST', `maxDepth must be an integer from 1 to ${MAX_DEPTH}`);
  }
  return value;
}
