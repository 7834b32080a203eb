// The trace cache behind paging (src/api/resolvers/trace-cache.ts): first pages trace afresh, later pages reuse the
// answer for a while, failures are not kept, and the cache stays within its node budget.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { AffectedNode, TraceResult } from '../../../src/graph/index.ts';
import { TraceCache } from '../../../src/api/resolvers/trace-cache.ts';

/** A trace answer with `n` affected models; `id` tells answers apart. */
function answer(n: number, id: string): TraceResult {
  const affected: AffectedNode[] = Array.from({ length: n }, (_, i) => ({
    node: { id: `${id}-${i}`, kind: 'MODEL', key: `sha256:${id}${i}`, name: null },
    depth: 1,
  }));
  return { compromised: [], affected, byKind: new Map([['MODEL', n]]), byDepth: new Map([[1, n]]), explain: async () => [] };
}

describe('TraceCache', () => {
  it('traces a first page afresh and lets later pages reuse that answer', async () => {
    const cache = new TraceCache();
    let calls = 0;
    const compute = async () => answer(3, `run${++calls}`);
    const first = await cache.get(['q'], compute, true);
    assert.equal(await cache.get(['q'], compute, false), first, 'a later page reuses the first page’s answer');
    const again = await cache.get(['q'], compute, true);
    assert.notEqual(again, first, 'a new first page traces again');
    assert.equal(await cache.get(['q'], compute, false), again);
    assert.equal(calls, 2);
    assert.notEqual(await cache.get(['other'], compute, false), again, 'another question is another entry');
  });

  it('forgets an answer after its time to live', async () => {
    const cache = new TraceCache({ ttlMs: 20 });
    let calls = 0;
    const compute = async () => answer(1, `run${++calls}`);
    await cache.get(['q'], compute, true);
    await sleep(40);
    await cache.get(['q'], compute, false);
    assert.equal(calls, 2);
  });

  it('does not keep a failure', async () => {
    const cache = new TraceCache();
    await assert.rejects(cache.get(['q'], async () => Promise.reject(new Error('database down')), true));
    const result = await cache.get(['q'], async () => answer(1, 'ok'), false);
    assert.equal(result.affected.length, 1);
  });

  it('evicts the least recently used answers beyond its node budget, but keeps the newest however large', async () => {
    const cache = new TraceCache({ maxNodes: 10 });
    let calls = 0;
    const compute = (n: number) => async () => answer(n, `run${++calls}`);
    const a = await cache.get(['a'], compute(6), true);
    const b = await cache.get(['b'], compute(6), true); // 12 > 10: 'a' goes
    assert.equal(await cache.get(['b'], compute(6), false), b);
    assert.notEqual(await cache.get(['a'], compute(6), false), a);
    const big = await cache.get(['big'], compute(50), true); // alone over budget, still kept
    assert.equal(await cache.get(['big'], compute(50), false), big);
  });
});
