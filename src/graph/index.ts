// Public door of the graph domain: connection, migrations, the facts it accepts and the views it returns.
export { closeGraph, connectGraph, pingGraph, waitForGraph } from './driver.ts';
export type { GraphHealth } from './health.ts';
export { queryDeadline, queryScopeAbandoned, withQueryScope } from './request-scope.ts';
export type { QueryScope } from './request-scope.ts';
export type { ConnectOptions, GraphConnection } from './driver.ts';
export { GraphError, TooManyNodes } from './errors.ts';
export type { GraphErrorCode } from './errors.ts';
export { applyMigrations, readMigrations } from './migrate.ts';
export type { Migration, MigrationReport } from './migrate.ts';
export type {
  ArtifactFact,
  ArtifactLabel,
  KindRank,
  AtlasFacts,
  AtlasKindName,
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
export { writeAttestation, writeAttestations } from './write/attestation.ts';
export type { WriteOutcome } from './write/attestation.ts';
export { findArtifact, findAttestation } from './read/artifact.ts';
export type { ArtifactView, AttestationView, FileView } from './read/artifact.ts';
export { LINEAGE_TYPES } from './views.ts';
export type { Direction, GraphNode, NodeKind } from './views.ts';
export { MAX_DEPTH } from './traverse/subgraph.ts';
export { readLineage } from './traverse/lineage.ts';
export type { LineageEdge, LineageNode, LineageResult } from './traverse/lineage.ts';
export { modelsTrainedOn, traceIncident } from './traverse/trace.ts';
export type { Affected, AffectedNode, Compromised, TraceHop, TraceOptions, TraceResult } from './traverse/trace.ts';
export type { EvidenceView } from './read/evidence.ts';
export { readBomSubject } from './bom/read.ts';
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
} from './bom/subject.ts';
export { MAX_SEARCH_TEXT, searchGraph, type SearchHit, type SearchMatch, type SearchResult } from './read/search.ts';
