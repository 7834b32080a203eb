// What comes out of the graph (facts.ts is what goes in): the kinds of node a read reports, the node and edge shapes
// traversals return, and the one list of lineage relationship types that traversals, lineage answers, incident
// traces and the AI-BOM read follow (docs/LINEAGE.md names each one and what it carries).

/** The relationship types between artifacts, packages, runs and builders; writes create exactly these (facts.ts). */
export const LINEAGE_TYPES = [
  'DERIVED_FROM',
  'TRAINED_ON',
  'BUILT_WITH',
  'USED',
  'EVALUATED_ON',
  'PRODUCED_BY',
  'CONTAINS',
  'RAN_ON',
  // a name users use (a Hugging Face repository or git commit) and the content-identified artifact one document binds
  // it to, written both ways so a question starting from either reaches what depends on the other
  'SAME_AS',
] as const;
export type LineageType = (typeof LINEAGE_TYPES)[number];

/**
 * Each lineage type by name, for Cypher text: `[:${REL.DERIVED_FROM}]` is checked by the compiler, a misspelt
 * relationship type in a query string is not (it matches nothing and the answer is silently empty).
 */
export const REL = Object.fromEntries(LINEAGE_TYPES.map((type) => [type, type])) as { readonly [T in LineageType]: T };

/** Which relationship types each question follows. */
export const FOLLOWS = {
  /** a lineage answer: what an artifact came from and what came from it (not the files it contains). */
  lineage: ['DERIVED_FROM', 'TRAINED_ON', 'BUILT_WITH', 'USED', 'EVALUATED_ON', 'PRODUCED_BY', 'SAME_AS'],
  /** an incident trace: a model depends on what it was derived from, trained on, built with, used, or contains. */
  dependency: ['DERIVED_FROM', 'TRAINED_ON', 'BUILT_WITH', 'USED', 'CONTAINS', 'SAME_AS'],
  /** "which models came from this dataset": datasets derived from it, models trained on those, and fine-tunes. */
  training: ['DERIVED_FROM', 'TRAINED_ON', 'SAME_AS'],
} as const satisfies Record<string, readonly LineageType[]>;

export type NodeKind = 'MODEL' | 'DATASET' | 'FILE' | 'PACKAGE' | 'RUN' | 'BUILDER' | 'ARTIFACT';

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** digest for artifacts, purl for packages, id for runs and builders. */
  readonly key: string;
  readonly name: string | null;
}

export interface GraphEdge {
  readonly type: string;
  /** `from` depends on `to` (edges point from the derived thing to its source). */
  readonly from: string;
  readonly to: string;
  readonly how: string | null;
  readonly role: string | null;
  readonly result: string | null;
  readonly path: string | null;
  readonly evidence: readonly string[];
}

export type Direction = 'UPSTREAM' | 'DOWNSTREAM';

/** Cypher: the NodeKind of node `n`, by label (an Artifact with none of the artifact labels is an ARTIFACT). */
export const NODE_KIND = (
  n: string,
): string => `CASE WHEN ${n}:Model THEN 'MODEL' WHEN ${n}:Dataset THEN 'DATASET' WHEN ${n}:File THEN 'FILE'
  WHEN ${n}:Package THEN 'PACKAGE' WHEN ${n}:PipelineRun THEN 'RUN' WHEN ${n}:Builder THEN 'BUILDER' ELSE 'ARTIFACT' END`;

/** Cypher: the key of node `n`, by label, so only the one property is read (an absent one costs a walk of the node). */
export const NODE_KEY = (n: string): string =>
  `CASE WHEN ${n}:Artifact THEN ${n}.digest WHEN ${n}:Package THEN ${n}.purl ELSE ${n}.id END`;
