// The trace on show and the rows of its affected list read so far, nearest first. The table and the export read
// from the same rows (neither reads a row twice), one request at a time: two readers continuing from the same
// cursor would add the same rows twice.
import type { App } from '../app.ts';
import { readPages } from '../export.ts';
import { affectedPage, type TraceOptions } from '../queries.ts';
import type { AffectedNode, Compromised, Trace } from '../types.ts';

export interface TraceState {
  readonly compromised: Compromised;
  readonly options: TraceOptions;
  readonly trace: Trace;
  readonly known: AffectedNode[];
  /** where the next page starts (the cursor of the last row read). */
  after: string | null;
  /** the API said no row follows the last one read. */
  complete: boolean;
  /** the read in progress, if any; the next one starts when it ends. */
  reading: Promise<void>;
}

/** A trace just answered, with the rows of its first page. */
export function traceState(compromised: Compromised, options: TraceOptions, trace: Trace): TraceState {
  return {
    compromised,
    options,
    trace,
    known: trace.affected.edges.map((e) => e.node),
    after: trace.affected.pageInfo.endCursor,
    complete: !trace.affected.pageInfo.hasNextPage,
    reading: Promise.resolve(),
  };
}

/**
 * Reads rows until `count` are known or the list ends, after any read already under way, `size(missing)` rows a
 * request (the API's pages hold at most MAX_PAGE). `onPage` hears of each page read, with the API's current total.
 */
export function readUpTo(
  app: App,
  state: TraceState,
  count: number,
  size: (missing: number) => number,
  onPage: (known: number, total: number) => void = () => undefined,
): Promise<void> {
  const read = state.reading.then(async () => {
    await readPages(
      (after) => affectedPage(app.request, state.compromised, state.options, size(count - state.known.length), after),
      state,
      () => state.known.length >= count,
      (more, position) => {
        for (const edge of more.edges) state.known.push(edge.node);
        state.after = position.after;
        state.complete = position.complete;
        onPage(state.known.length, more.totalCount);
      },
    );
  });
  // A failed read is reported by its caller; the next read tries again from where this one stopped.
  state.reading = read.catch(() => undefined);
  return read;
}
