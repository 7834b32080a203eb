// Public door of the graph domain: connection, migrations, the facts it accepts and the views it returns.
export { connectGraph, pingGraph, waitForGraph } from './driver.ts';
export type { ConnectOptions, GraphConnection } from './driver.ts';
export { GraphError } from './errors.ts';
export type { GraphErrorCode } from './errors.ts';
export { applyMigrations, readMigrations } from './migrate.ts';
export type { Migration, MigrationReport } from './migrate.ts';
export type {
  ArtifactFact,
  ArtifactLabel,
  AttestationFacts,
  AttestationRecord,
  AttestationStatus,
  ContainsFact,
  ArtifactPropertiesFact,
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
