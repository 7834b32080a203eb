// Public door of the graph domain: connection, migrations, the facts it accepts and the views it returns.
export { connectGraph, pingGraph, waitForGraph } from './driver.ts';
export type { ConnectOptions, GraphConnection } from './driver.ts';
export { GraphError, TooManyNodes } from './errors.ts';
export type { GraphErrorCode } from './errors.ts';
export { applyMigrations, readMigrations } from './migrate.ts';
export type { Migration, MigrationReport } from './migrate.ts';
export type {
  ArtifactFact,
  ArtifactLabel,
  AttestationFacts,
  AttestationRecord,
  AttestationStatus,
  CardFact,
  CardField,
  ContainsFact,
  DigestString,
  EdgeFact,
  EdgeType,
  InferredEdgeFact,
  NodeRef,
  PackageFact,
  RunFact,
  SignerRef,
} from './facts.ts';
export { writeAttestation } from './write.ts';
export type { WriteOutcome } from './write.ts';
export { findArtifact, findAttestation } from './read.ts';
export type { ArtifactView, AttestationView, FileView } from './read.ts';
export { fetchSubgraph, LINEAGE_TYPES, MAX_DEPTH } from './traverse.ts';
export type { Direction, GraphEdge, GraphNode, NodeKind, Subgraph } from './traverse.ts';
export { readLineage } from './lineage.ts';
export type { LineageEdge, LineageNode, LineageResult } from './lineage.ts';
export { modelsTrainedOn, traceIncident } from './trace.ts';
export type { Affected, AffectedNode, Compromised, TraceHop, TraceOptions, TraceResult } from './trace.ts';
export type { EvidenceView } from './evidence.ts';
export { inRange } from './version-range.ts';
export { readBomSubject } from './read-bom.ts';
export type {
  BomAncestor,
  BomArtifact,
  BomAttestation,
  BomCard,
  BomDataset,
  BomDerivation,
  BomEvaluation,
  BomFile,
  BomPackage,
  BomRun,
  BomRunInput,
  BomSubject,
  BomUsed,
} from './bom-subject.ts';
export { MAX_SEARCH_TEXT, searchGraph, type SearchHit, type SearchMatch, type SearchResult } from './search.ts';
