// What every resolver may use. Built once per server and shared by all requests, except `budget`, which the GraphQL
// handler gives each operation.
import type { GraphConnection } from '../graph/index.ts';
import type { IngestQueue } from '../ingest/index.ts';
import type { BomExporter } from '../bom/index.ts';
import type { DeployPolicies } from '../gate/index.ts';
import type { OperationBudget } from './budget.ts';
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
  /** what this operation may still read (set per operation by the GraphQL handler). */
  readonly budget?: OperationBudget;
  /** most components and parts one AI-BOM may list (BOM_MAX_COMPONENTS; absent = no limit). */
  readonly maxBomComponents?: number;
  /** builds and validates AI-BOMs off the event loop (absent = on it, as tests of the resolvers may do). */
  readonly boms?: BomExporter;
  /** the deploy-time gate: the deploy policies in force (throws GateError while the file is unusable: fail closed). */
  readonly gate: { readonly policies: () => DeployPolicies };
  /** the caller of this GraphQL operation (set per operation by the GraphQL handler). */
  readonly caller?: { readonly identity: string; readonly mayIngest: boolean };
}
