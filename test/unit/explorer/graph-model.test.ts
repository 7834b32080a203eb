// What the explorer draws: small answers node by node, large ones as counts per depth, never more than the caps,
// whatever the size of the answer (a 10,000-node blast radius here).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRAW_CAP, lineagePlan, RANK_CAP, tracePlan } from '../../../src/explorer/graph-model.ts';
import type { AffectedNode, Lineage, NodeRef, TraceSummary } from '../../../src/explorer/types.ts';

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`;
const model = (i: number): NodeRef => ({ kind: 'MODEL', key: digest(i), name: `model-${i}` });
const root: NodeRef = { kind: 'DATASET', key: digest(0), name: 'corpus' };

/** A chain root ← a1 ← a2 … plus `fan` models trained directly on the root: the shape of a real blast radius. */
function blastRadius(chain: number, fan: number): { affected: AffectedNode[]; summary: TraceSummary } {
  const affected: AffectedNode[] = [];
  const hop = (from: NodeRef, to: NodeRef) => ({ type: 'TRAINED_ON', from, to, how: null, verified: true, evidence: [] });
  for (let i = 1; i <= fan; i++)
    affected.push({ node: model(1000 + i), depth: 1, verified: true, signers: [], path: [hop(model(1000 + i), root)] });
  for (let d = 1; d <= chain; d++) {
    const path = Array.from({ length: d }, (_, k) => hop(model(d - k), k === d - 1 ? root : model(d - k - 1)));
    affected.push({ node: model(d), depth: d, verified: true, signers: [], path });
  }
  affected.sort((a, b) => a.depth - b.depth);
  const byDepth = new Map<number, number>();
  for (const a of affected) byDepth.set(a.depth, (byDepth.get(a.depth) ?? 0) + 1);
  return {
    affected,
    summary: {
      total: affected.length,
      byKind: [{ kind: 'MODEL', count: affected.length }],
      byDepth: [...byDepth].map(([depth, count]) => ({ depth, count })),
    },
  };
}

describe('explorer drawing plans', () => {
  it('draws a small trace node by node: every affected node highlighted, paths included', () => {
    const { affected, summary } = blastRadius(4, 3);
    const plan = tracePlan([root], affected, summary);
    assert.equal(plan.aggregates.length, 0);
    assert.equal(plan.note, null);
    assert.deepEqual(
      plan.nodes
        .filter((n) => n.affected)
        .map((n) => n.key)
        .sort(),
      affected.map((a) => a.node.key).sort(),
    );
    assert.deepEqual(
      plan.nodes.filter((n) => n.compromised).map((n) => n.key),
      [root.key],
    );
    // Every hop of every path is an edge between drawn nodes.
    const ids = new Set(plan.elements.filter((e) => e.group === 'nodes').map((e) => e.data.id));
    for (const edge of plan.elements.filter((e) => e.group === 'edges')) {
      assert.ok(ids.has(edge.data['source'] as string) && ids.has(edge.data['target'] as string), edge.data.id);
    }
    assert.equal(plan.edges.length, 4 + 3);
  });

  it('draws a 10,000-node blast radius as counts per depth, within the caps, from its first page only', () => {
    const { affected, summary } = blastRadius(12, 9_988);
    assert.equal(summary.total, 10_000);
    const firstPage = affected.slice(0, DRAW_CAP);
    const plan = tracePlan([root], firstPage, summary);
    const nodes = plan.elements.filter((e) => e.group === 'nodes');
    assert.ok(nodes.length <= DRAW_CAP + summary.byDepth.length + 1, `${nodes.length} nodes`);
    // Depth 1 holds 9,989 nodes: it and every deeper rank become one aggregate each, chained to the root.
    assert.deepEqual(
      plan.aggregates.map((a) => [a.depth, a.count]),
      summary.byDepth.map((d) => [d.depth, d.count]),
    );
    assert.equal(
      plan.aggregates.reduce((sum, a) => sum + a.count, 0),
      10_000,
    );
    assert.match(plan.note ?? '', /10,000 of 10,000 nodes are drawn as counts per depth/);
    const edges = plan.elements.filter((e) => e.group === 'edges');
    assert.equal(edges.length, summary.byDepth.length);
    assert.deepEqual(
      plan.nodes.map((n) => n.key),
      [root.key],
    );
  });

  it('draws narrow ranks one by one and aggregates from the first rank that is too wide or not fetched', () => {
    // Ranks 1..3 hold one node each; rank 4 holds RANK_CAP + 1.
    const { affected } = blastRadius(6, 0);
    const wide = Array.from({ length: RANK_CAP + 1 }, (_, i): AffectedNode => ({
      node: model(5000 + i),
      depth: 4,
      verified: true,
      signers: [],
      path: [{ type: 'DERIVED_FROM', from: model(5000 + i), to: model(3), how: 'fine-tune', verified: false, evidence: [] }],
    }));
    const all = [...affected, ...wide].sort((a, b) => a.depth - b.depth);
    const byDepth = [1, 2, 3, 4, 5, 6].map((depth) => ({ depth, count: all.filter((a) => a.depth === depth).length }));
    const plan = tracePlan([root], all, { total: all.length, byKind: [], byDepth });
    assert.deepEqual(
      plan.nodes
        .filter((n) => n.affected)
        .map((n) => n.key)
        .sort(),
      [1, 2, 3].map(digest).sort(),
    );
    assert.deepEqual(
      plan.aggregates.map((a) => a.depth),
      [4, 5, 6],
    );
    // The first aggregate hangs off the last rank drawn one by one.
    const first = plan.elements.filter((e) => e.group === 'edges' && e.data['source'] === 'agg:DOWNSTREAM:4');
    assert.deepEqual(
      first.map((e) => e.data['target']),
      [`n:${digest(3)}`],
    );
  });

  it('lineage: both sides from the root, unverified edges marked, at most DRAW_CAP nodes drawn', () => {
    const nodes = [
      { ...root, depth: 0, direction: 'ROOT' as const },
      ...Array.from({ length: 30 }, (_, i) => ({ ...model(i + 1), depth: 1, direction: 'DOWNSTREAM' as const })),
      ...Array.from({ length: 5 }, (_, i) => ({ ...model(100 + i), depth: 1, direction: 'UPSTREAM' as const })),
      ...Array.from({ length: 400 }, (_, i) => ({ ...model(200 + i), depth: 2, direction: 'DOWNSTREAM' as const })),
    ];
    const edges = nodes.slice(1, 31).map((n, i) => ({
      type: 'TRAINED_ON',
      from: { key: n.key },
      to: { key: root.key },
      how: null,
      role: null,
      result: null,
      verified: i !== 0,
      evidence: [],
    }));
    const answer: Lineage = { root, nodes, edges };
    const plan = lineagePlan(answer, new Set([digest(1)]));
    assert.equal(plan.nodes.length, 1 + 30 + 5);
    assert.ok(plan.nodes.length <= DRAW_CAP);
    assert.deepEqual(
      plan.aggregates.map((a) => [a.side, a.depth, a.label]),
      [['DOWNSTREAM', 2, '400 models at depth 2']],
    );
    const unverified = plan.elements.filter((e) => e.group === 'edges' && e.classes.includes('unverified'));
    assert.equal(unverified.length, 1);
    assert.ok(plan.nodes.find((n) => n.key === digest(1))?.affected);
  });
});
