// The plain-data middle of ingestion: what one attestation tells the graph, with no driver types
// and no raw documents beyond the kept original. Ingest builds these; `writeAttestation` stores them.
import type { LineageType } from './views.ts';

/** `algorithm:hex`, lower case, e.g. `sha256:9f86…`. The identity of every artifact node. */
export type DigestString = string;

export type AttestationStatus = 'verified' | 'rejected';

export type SignerRef =
  | { readonly kind: 'key'; readonly fingerprint: string }
  | { readonly kind: 'identity'; readonly issuer: string; readonly subject: string }
  | {
      readonly kind: 'certificate';
      readonly fingerprint: string;
      readonly subject: string;
      readonly issuer: string;
      readonly keyFingerprint: string;
    };

export interface AttestationRecord {
  /** `sha256:<hex>` of the submitted document's bytes. */
  readonly digest: DigestString;
  readonly predicateType: string | null;
  readonly status: AttestationStatus;
  /** rejection code, null when verified. */
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly method: string | null;
  readonly signer: SignerRef | null;
  /** where the document came from (a URL, a file name, an uploader) — provenance of provenance. */
  readonly origin: string;
  /** how it arrived (`http`, `cli`, …). */
  readonly collector: string;
  readonly receivedAt: string;
  /** the original document text, kept so any decision can be re-checked later. */
  readonly document: string;
  /** subject digests the document claims; kept on rejected attestations for the record, never linked. */
  readonly claimedSubjects: readonly DigestString[];
}

/**
 * `Model` and `Dataset` are claims about what an artifact is, each as strong as its `rank`; `SignedRoot` is a
 * manifest root (an OMS signature): a default claim that it is a Model, and a root whose files statements may name;
 * `File` is a file a manifest lists (it follows from `contains`).
 */
export type ArtifactLabel = 'Model' | 'Dataset' | 'File' | 'SignedRoot';

/**
 * How strong a Model or Dataset claim is (docs/LINEAGE.md, "Kind"): the artifact's own word (its own card, an
 * explicit `annotations.role` on it, an Atlas claim) > how another document uses it (a `base-model` or `dataset`
 * dependency, another model's card, an evaluation) > what the kind of the run that produced it implies > a default
 * (an OMS root, the output of a run of unknown kind).
 */
export type KindRank = 'own' | 'usage' | 'run' | 'default';

export interface ArtifactFact {
  readonly digest: DigestString;
  readonly labels: readonly ArtifactLabel[];
  /** the strength of the Model or Dataset label; `own` when absent. */
  readonly rank?: KindRank;
  /** a human name when the evidence gives one (OMS subject name, SLSA resource name). */
  readonly name?: string;
}

export interface ContainsFact {
  readonly parent: DigestString;
  readonly child: DigestString;
  readonly path: string;
  /** byte range for OMS shards. */
  readonly start?: number;
  readonly end?: number;
}

/** A framework or library, identified by its purl without qualifiers. */
export interface PackageFact {
  readonly purl: string;
  readonly name: string | null;
  readonly version: string | null;
  /** content digests given for the package's artifact (e.g. a wheel), `algorithm:hex`. */
  readonly digests: readonly DigestString[];
}

/** One pipeline run (SLSA Provenance v1 `runDetails` + `buildDefinition`). */
export interface RunFact {
  readonly id: string;
  readonly runKind: string;
  readonly buildType: string;
  readonly builder: string;
  readonly startedOn: string | null;
  readonly finishedOn: string | null;
  /** `externalParameters` as JSON text (hyperparameters, entry point). */
  readonly externalParameters: string;
}

/** The descriptive fields a card may give an artifact (docs/LINEAGE.md, "Card fields"). */
export const CARD_FIELDS = ['name', 'version', 'license', 'sourceUrl', 'datasetType', 'sensitiveData', 'modelCard'] as const;
export type CardField = (typeof CARD_FIELDS)[number];

/**
 * What one card (a CycloneDX or SPDX 3 predicate) says of one artifact, kept on the card's own
 * `(Attestation)-[:DESCRIBES]->(Artifact)` edge so every shown value can name the card it came from.
 */
export interface CardFact {
  readonly digest: DigestString;
  /** dataset card fields, a CycloneDX model card as JSON text; `sensitiveData` joined with "; ". */
  readonly fields: Readonly<Partial<Record<CardField, string>>>;
  /**
   * The card is about this artifact itself (it attests it), not another model's card describing a dataset it was
   * trained on. Read with precedence: an artifact's own cards before what other cards say of it.
   */
  readonly own: boolean;
  /** the card's own creation time (ISO 8601 UTC, from the signed document): among cards, the newer wins. */
  readonly issuedAt?: string;
}

export type NodeRef =
  | { readonly kind: 'artifact'; readonly digest: DigestString }
  | { readonly kind: 'package'; readonly purl: string }
  | { readonly kind: 'run'; readonly id: string }
  | { readonly kind: 'builder'; readonly id: string };

/** The lineage types an EdgeFact writes (views.ts lists them all); CONTAINS is written from ContainsFact. */
export type EdgeType = Exclude<LineageType, 'CONTAINS'>;

/** A lineage edge; the attestation's digest is added to the edge's evidence when it is written. */
export interface EdgeFact {
  readonly type: EdgeType;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly props: Readonly<Record<string, string>>;
}

/**
 * A dependency whose edge type follows from what the graph concludes of both ends (docs/LINEAGE.md, "Edges"): a
 * `base-model` or `dataset` role, or none. Decided in the write transaction and re-typed whenever a kind changes —
 * into a Model DERIVED_FROM {how}, into a Dataset TRAINED_ON (DERIVED_FROM {how} from a Dataset), anything else
 * USED {role: input}.
 */
export interface InferredEdgeFact {
  readonly from: DigestString;
  readonly to: DigestString;
  readonly how: string;
}

/** What an Atlas manifest is, as the target of a link: its kind decides the link's edge (docs/LINEAGE.md, "Atlas CLI"). */
export type AtlasKindName = 'model' | 'dataset' | 'software' | 'evaluation';

/**
 * An Atlas CLI manifest as links find it, and the links it signs (docs/LINEAGE.md, "Atlas CLI"). Atlas links name a
 * manifest (`urn:c2pa:<uuid>`), not an artifact, and do not say what kind of link they are: the write transaction
 * resolves each one to the manifest's subject and types it by the manifest's kind, whichever document arrives first.
 */
export interface AtlasFacts {
  /** this manifest as a link target. */
  readonly manifest: {
    readonly urn: string;
    /** the URN is inside the signature (Atlas's OMS form); a standalone manifest's is not. */
    readonly urnSigned: boolean;
    /** `algorithm:hex` of the manifest's exact JSON, which a cross-reference pins (standalone form). */
    readonly digests: readonly DigestString[];
    /** what the manifest is about: Atlas's hash of its files. */
    readonly subject: DigestString;
    readonly kind: AtlasKindName;
  };
  /** signed cross-references from the subject: each pins the manifest with this URN by the digest of its JSON. */
  readonly references: readonly { readonly urn: string; readonly digest: DigestString }[];
  /** a signed evaluation of the model with `modelUrn` on the dataset with `datasetUrn`. */
  readonly evaluation?: { readonly modelUrn: string; readonly datasetUrn: string };
  /** URNs of the cross-references outside the signature (a standalone manifest's): recorded, never linked. */
  readonly unsignedLinks: readonly string[];
}

/** Everything one attestation writes, in one transaction. A rejected attestation carries no artifacts or edges. */
export interface AttestationFacts {
  readonly attestation: AttestationRecord;
  readonly artifacts: readonly ArtifactFact[];
  readonly contains: readonly ContainsFact[];
  /** digests of artifacts the attestation is about (ATTESTS edges). */
  readonly attests: readonly DigestString[];
  readonly packages?: readonly PackageFact[];
  readonly runs?: readonly RunFact[];
  readonly cards?: readonly CardFact[];
  readonly edges?: readonly EdgeFact[];
  readonly inferred?: readonly InferredEdgeFact[];
  readonly atlas?: AtlasFacts;
  /**
   * Names users use (docs/LINEAGE.md, "Names") that this attestation's dependencies are given by: artifact keys
   * (`pkg:huggingface/…`, `pkg:github/…`). Where another document binds such a name to one content digest, the
   * write moves this attestation's facts from the name to that artifact.
   */
  readonly references?: readonly DigestString[];
}
