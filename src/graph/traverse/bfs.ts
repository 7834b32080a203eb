// Breadth-first search over a fetched subgraph: depth and one shortest path for every reached node.
import type { GraphEdge } from '../views.ts';
import type { Subgraph, TreeEntry } from './subgraph.ts';

export interface Reached {
  readonly id: string;
  readonly depth: number;
  /** the edges from a start node to this node, in traversal order (empty for a start node). */
  readonly path: readonly GraphEdge[];
}

/**
 * Depth and the edge to its parent on one shortest path, for every node reached within `maxDepth` (starts at 0).
 * `follow` decides which edges may be walked (e.g. only edges with verified evidence);
 * `next` gives the node an edge leads to in the traversal direction.
 */
function breadthFirstTree(
  subgraph: Subgraph,
  maxDepth: number,
  follow: (edge: GraphEdge) => boolean,
  next: (edge: GraphEdge) => string,
): Map<string, TreeEntry> {
  const parent = new Map<string, TreeEntry>();
  let frontier: string[] = [];
  for (const start of subgraph.starts) {
    if (parent.has(start)) continue;
    parent.set(start, { edge: null, depth: 0 });
    frontier.push(start);
  }
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const edge of subgraph.adjacency.get(id) ?? []) {
        if (!follow(edge)) continue;
        const target = next(edge);
        if (parent.has(target)) continue;
        parent.set(target, { edge, depth });
        following.push(target);
      }
    }
    frontier = following;
  }
  return parent;
}

export function breadthFirst(
  subgraph: Subgraph,
  maxDepth: number,
  follow: (edge: GraphEdge) => boolean,
  next: (edge: GraphEdge) => string,
): Map<string, Reached> {
  const parent = breadthFirstTree(subgraph, maxDepth, follow, next);
  const reached = new Map<string, Reached>();
  for (const [id, entry] of parent) {
    const path: GraphEdge[] = [];
    let cursor = entry;
    let node = id;
    while (cursor.edge) {
      path.push(cursor.edge);
      node = node === cursor.edge.to ? cursor.edge.from : cursor.edge.to;
      const up = parent.get(node);
      if (!up) break;
      cursor = up;
    }
    reached.set(id, { id, depth: entry.depth, path: path.reverse() });
  }
  return reached;
}
