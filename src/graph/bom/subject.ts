// The read model behind an AI-BOM: one model and everything verified evidence says about it, as plain
// data (no driver types). Every list holds only links asserted by at least one attestation that is
// verified now; `evidence` fields name those attestations (digests), `attestations` describes each once.
import type { SignerRef } from '../facts.ts';

/** A verified attestation behind some part of the BOM. */
export interface BomAttestation {
  readonly digest: string;
  readonly predicateType: string | null;
  readonly signer: SignerRef | null;
}

/**
 * Descriptive fields from model or dataset cards (CycloneDX or SPDX 3 predicates), merged field by field from
 * the verified cards in the BOM's scope (card.ts), so a revoked card's claims are not exported.
 */
export interface BomCard {
  /** exactly the cards that gave a shown field (the artifact's name included). */
  readonly evidence: readonly string[];
  readonly version: string | null;
  readonly license: string | null;
  readonly sourceUrl: string | null;
  readonly datasetType: string | null;
  readonly sensitiveData: readonly string[];
  /** the card's CycloneDX `modelCard` object as JSON text, as the card author signed it. */
  readonly modelCard: string | null;
}

export interface BomArtifact {
  /** identity digest, `algorithm:hex` (an OMS root digest for signed models and datasets). */
  readonly digest: string;
  /** a card's name for it when one gives it, else the first name the evidence gave the node. */
  readonly name: string | null;
  /** graph labels other than `Artifact`: `Model`, `Dataset`, `File`. */
  readonly labels: readonly string[];
  readonly card: BomCard | null;
  /** verified attestations whose subject is this artifact (OMS signatures, cards, test results, provenance). */
  readonly attestedBy: readonly string[];
}

export interface BomFile {
  readonly path: string;
  readonly digest: string;
  /** byte range of an OMS shard, null for whole files. */
  readonly start: number | null;
  readonly end: number | null;
  readonly evidence: readonly string[];
}

/** `from` was derived from `to` (DERIVED_FROM {how}). */
export interface BomDerivation {
  readonly from: string;
  readonly to: string;
  readonly how: string | null;
  readonly evidence: readonly string[];
}

export interface BomDataset {
  readonly artifact: BomArtifact;
  readonly evidence: readonly string[];
}

/** A model upstream of the subject through verified DERIVED_FROM edges, with its own training data. */
export interface BomAncestor {
  readonly artifact: BomArtifact;
  /** hops from the subject (1 = a direct base model). */
  readonly depth: number;
  /** this ancestor's own verified DERIVED_FROM edges to other ancestors. */
  readonly derivedFrom: readonly BomDerivation[];
  readonly datasets: readonly BomDataset[];
}

/** A framework or library (BUILT_WITH): a Package by purl, or an artifact without purl by digest. */
export interface BomPackage {
  readonly purl: string | null;
  readonly digest: string | null;
  readonly name: string | null;
  readonly version: string | null;
  /** digests given for the package's artifact (e.g. a wheel), `algorithm:hex`. */
  readonly digests: readonly string[];
  readonly evidence: readonly string[];
}

/** Code, configuration or an unclassified input the model's run used (USED {role}). */
export interface BomUsed {
  readonly artifact: BomArtifact;
  readonly role: string;
  readonly evidence: readonly string[];
}

export interface BomEvaluation {
  readonly dataset: BomArtifact;
  /** in-toto test-result v0.1 `result`: PASSED, WARNED or FAILED. */
  readonly result: string | null;
  readonly url: string | null;
  readonly evidence: readonly string[];
}

/** One resolved input of a run: the subject's edge asserted by the same provenance as the run. */
export interface BomRunInput {
  /** `base-model`, `dataset`, `framework`, or a USED role (`code`, `config`, `input`). */
  readonly role: string;
  /** digest, or purl for packages. */
  readonly key: string;
  readonly name: string | null;
}

export interface BomRun {
  readonly id: string;
  readonly runKind: string | null;
  readonly buildType: string | null;
  readonly startedOn: string | null;
  readonly finishedOn: string | null;
  /** SLSA `externalParameters` as JSON text. */
  readonly externalParameters: string | null;
  readonly builders: readonly { readonly id: string; readonly evidence: readonly string[] }[];
  readonly inputs: readonly BomRunInput[];
  /** other artifacts the same run produced (the subject itself is implied). */
  readonly otherOutputs: readonly { readonly digest: string; readonly name: string | null }[];
  /** attestations asserting that the subject was produced by this run. */
  readonly evidence: readonly string[];
}

export interface BomSubject {
  readonly model: BomArtifact;
  readonly files: readonly BomFile[];
  /** the subject's own verified DERIVED_FROM edges (its direct base models). */
  readonly derivedFrom: readonly BomDerivation[];
  /** every model upstream through verified DERIVED_FROM edges, nearest first, depth-capped. */
  readonly ancestors: readonly BomAncestor[];
  /** datasets the subject was trained on directly; ancestors' datasets are on each ancestor. */
  readonly datasets: readonly BomDataset[];
  readonly packages: readonly BomPackage[];
  readonly used: readonly BomUsed[];
  readonly runs: readonly BomRun[];
  readonly evaluations: readonly BomEvaluation[];
  /** every attestation named in any `evidence`, `attestedBy` or card above, sorted by digest. */
  readonly attestations: readonly BomAttestation[];
}
