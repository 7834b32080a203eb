// Recent trace answers, so that paging through a large one runs its traversal once: a compromised key that signed
// most of a million-node graph takes seconds to trace, and its export reads a hundred pages of 1,000. A first page
// always traces afresh (a new question sees the graph as it is now) and leaves the answer here; later pages (`after`)
// reuse it for a minute, so they also stay consistent with the first. Only the affected set is kept (nodes, depths,
// tree); each page's paths and evidence are read when it is asked for. The cache holds a bounded number of nodes.
import type { TraceResult } from '../../graph/index.ts';

interface Entry {
  readonly result: Promise<TraceResult>;
  readonly expires: number;
  size: number;
}

export class TraceCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxNodes: number;

  constructor(options: { ttlMs?: number; maxNodes?: number } = {}) {
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#maxNodes = options.maxNodes ?? 300_000;
  }

  /**
   * The cached answer to `question` unless `fresh`, else `compute()`'s, kept for later pages (shared by concurrent
   * askers; a failure is not kept).
   */
  get(question: unknown, compute: () => Promise<TraceResult>, fresh: boolean): Promise<TraceResult> {
    const key = JSON.stringify(question);
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (!fresh && hit && hit.expires > now) {
      // most recently used last: eviction takes from the front
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.result;
    }
    const entry: Entry = { result: compute(), expires: now + this.#ttlMs, size: 0 };
    this.#entries.set(key, entry);
    entry.result.then(
      (result) => {
        entry.size = result.affected.length;
        this.#evict();
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry.result;
  }

  #evict(): void {
    const now = Date.now();
    let total = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expires <= now) this.#entries.delete(key);
      else total += entry.size;
    }
    for (const [key, entry] of this.#entries) {
      if (total <= this.#maxNodes || this.#entries.size <= 1) break;
      this.#entries.delete(key);
      total -= entry.size;
    }
  }
}
