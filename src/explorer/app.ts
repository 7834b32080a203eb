// What the views share: the GraphQL request function, the status line, and the ways one view hands over to
// another (search → lineage, a node → an incident trace, anything → the evidence panel).
import type { Request } from './api.ts';
import type { DrawnEdge } from './graph-model.ts';
import type { Compromised, NodeRef } from './types.ts';

export type ViewName = 'search' | 'lineage' | 'incident';

export interface App {
  readonly request: Request;
  status(text: string, error?: boolean): void;
  /** reports an API error in the status line, with what to do when the token is the problem. */
  fail(error: unknown): void;
  show(view: ViewName): void;
  openLineage(digest: string): Promise<void>;
  openTrace(compromised: Compromised): Promise<void>;
  showNode(node: NodeRef, edges: readonly DrawnEdge[], nodeName: (key: string) => string): Promise<void>;
  showEdge(edge: DrawnEdge, nodeName: (key: string) => string): Promise<void>;
  showAttestation(digest: string): Promise<void>;
  /** keys of the nodes the current incident trace affects, when all of them are known (null otherwise). */
  affectedKeys(): ReadonlySet<string> | null;
}
