// What one GraphQL operation may still read. A `lineage` answer is one unpaginated graph of up to LINEAGE_MAX_NODES
// nodes; the budget makes that a bound on the whole operation, so a few aliased lineages share it instead of each
// taking a full answer's worth of memory.
export class OperationBudget {
  #lineageNodes: number;

  constructor(lineageNodes: number) {
    this.#lineageNodes = lineageNodes;
  }

  /** Nodes the next lineage of this operation may have. */
  get lineageNodes(): number {
    return this.#lineageNodes;
  }

  /** Records that a lineage of `nodes` nodes was read. */
  spendLineage(nodes: number): void {
    this.#lineageNodes = Math.max(0, this.#lineageNodes - nodes);
  }
}
