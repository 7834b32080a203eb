// What every resolver may use. Built once per server, shared by all requests (it holds no request state).
import type { GraphConnection } from '../graph/index.ts';
import type { IngestQueue } from '../ingest/index.ts';
import type { TraceCache } from './resolvers/trace-cache.ts';

export interface ApiContext {
  readonly graph: GraphConnection;
  readonly queue: IngestQueue;
  /** base URL clients reach this service at, for links to attestations in exported documents. */
  readonly publicUrl?: string;
  /** most nodes one lineage answer may have (LINEAGE_MAX_NODES). */
  readonly maxLineageNodes: number;
  /** recent trace answers for paging (set by the GraphQL handler; absent = every page traces again). */
  readonly traces?: TraceCache;
}
