// CycloneDX 1.6/1.7 ML-BOM components (https://cyclonedx.org/docs/1.6/json/): the model as a
// `machine-learning-model` with files, model card and pedigree; datasets as `data`; frameworks as
// `library`. bom-refs are the graph keys (digest or purl), unique within one BOM by construction.
import { isSupportedSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';
import type { BomAncestor, BomArtifact, BomAttestation, BomEvaluation, BomPackage, BomSubject } from '../graph/index.ts';
import { attestationComment, attestationUrl, cyclonedxHash } from './identifiers.ts';

export type Json = Record<string, unknown>;

export interface CdxContext {
  readonly attestations: ReadonlyMap<string, BomAttestation>;
  readonly baseUrl: string | undefined;
  /** digests whose signed model card failed the schema: they get the card built from the graph instead. */
  readonly unusableCards: ReadonlySet<string>;
}

// componentData.type enum (CycloneDX 1.6 and 1.7).
const DATA_TYPES = new Set(['source-code', 'configuration', 'dataset', 'definition', 'other']);

/** `externalReferences` of type `attestation`, one per evidence digest, with the document's hash. */
export function attestationRefs(digests: Iterable<string>, ctx: CdxContext): Json[] {
  return [...new Set(digests)].sort().map((digest) => {
    const hash = cyclonedxHash(digest);
    return {
      type: 'attestation',
      url: attestationUrl(digest, ctx.baseUrl),
      comment: attestationComment(ctx.attestations.get(digest)),
      ...(hash ? { hashes: [hash] } : {}),
    };
  });
}

/** `{key: list}` when the list has items, else nothing: the BOM leaves out what it does not know. */
export function nonEmpty(key: string, list: readonly unknown[]): Json {
  return list.length > 0 ? { [key]: list } : {};
}

export function hashes(...digests: (string | null)[]): Json {
  const list = [...new Set(digests)].flatMap((d) => (d ? [cyclonedxHash(d)] : [])).filter((h) => h !== null);
  return list.length > 0 ? { hashes: list } : {};
}

function licenses(artifact: { card: BomArtifact['card'] }): Json {
  const license = artifact.card?.license;
  if (!license) return {};
  // An id outside the SPDX list fails the schema's enum: such licenses go by name.
  return { licenses: [{ license: isSupportedSpdxId(license) ? { id: license } : { name: license } }] };
}

function common(artifact: BomArtifact, evidence: readonly string[], ctx: CdxContext): Json {
  const refs = attestationRefs([...evidence, ...artifact.attestedBy, ...(artifact.card?.evidence ?? [])], ctx);
  const source = artifact.card?.sourceUrl;
  return {
    'bom-ref': artifact.digest,
    name: artifact.name ?? artifact.digest,
    ...(artifact.card?.version ? { version: artifact.card.version } : {}),
    // For an OMS-signed model or dataset this is the OMS v1.0 root digest (SHA-256 over its files' digests),
    // the same hash CycloneDX cards name it by when they are ingested (src/ingest/extract/cyclonedx.ts).
    ...hashes(artifact.digest),
    ...licenses(artifact),
    ...nonEmpty('externalReferences', [...(source ? [{ type: 'distribution', url: source }] : []), ...refs]),
  };
}

/**
 * The model card: the signed one (CycloneDX `modelCard` kept from a card attestation, minus its bom-ref),
 * else a minimal one from the graph: training datasets by reference, evaluations as performance metrics.
 */
function modelCard(
  artifact: BomArtifact,
  datasets: readonly string[],
  evaluations: readonly BomEvaluation[],
  ctx: CdxContext,
): Json {
  const stored = artifact.card?.modelCard;
  if (stored && !ctx.unusableCards.has(artifact.digest)) {
    try {
      const parsed: unknown = JSON.parse(stored);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        // Its bom-ref belonged to the card author's BOM and could collide with one of ours.
        const card = { ...(parsed as Json) };
        delete card['bom-ref'];
        return card;
      }
    } catch {
      // not JSON: fall through to the card built from the graph.
    }
  }
  const metrics = evaluations.map((e) => ({
    type: 'in-toto test-result',
    ...(e.result ? { value: e.result } : {}),
    slice: e.dataset.name ?? e.dataset.digest,
  }));
  return {
    ...(datasets.length > 0 ? { modelParameters: { datasets: datasets.map((ref) => ({ ref })) } } : {}),
    ...(metrics.length > 0 ? { quantitativeAnalysis: { performanceMetrics: metrics } } : {}),
    properties: [
      {
        name: 'mpg:modelCard',
        value: stored ? 'signed card not valid for this CycloneDX version; built from lineage' : 'built from lineage',
      },
    ],
  };
}

export function modelComponent(subject: BomSubject, ctx: CdxContext): Json {
  const { model } = subject;
  const files = subject.files.map((file) => {
    const name = file.start === null ? file.path : `${file.path}:${file.start}:${file.end ?? ''}`;
    return { type: 'file', 'bom-ref': `${model.digest}/${name}`, name, ...hashes(file.digest) };
  });
  const evidence = [...subject.runs.flatMap((r) => r.evidence), ...subject.evaluations.flatMap((e) => e.evidence)];
  // Where each evaluation's report lives (in-toto test-result v0.1 `url`), whatever the model card says.
  const reports = subject.evaluations.flatMap((e) =>
    e.url
      ? [
          {
            type: 'quality-metrics',
            url: e.url,
            comment: `${e.result ?? 'test result'} on ${e.dataset.name ?? e.dataset.digest}`,
          },
        ]
      : [],
  );
  const base = common(model, evidence, ctx);
  return {
    type: 'machine-learning-model',
    ...base,
    ...nonEmpty('externalReferences', [...((base['externalReferences'] as Json[] | undefined) ?? []), ...reports]),
    ...(subject.ancestors.length > 0 ? { pedigree: { ancestors: subject.ancestors.map((a) => ancestor(a, subject, ctx)) } } : {}),
    ...(files.length > 0 ? { components: files } : {}),
    modelCard: modelCard(
      model,
      subject.datasets.map((d) => d.artifact.digest),
      subject.evaluations,
      ctx,
    ),
  };
}

/** A base model in `pedigree.ancestors`: how it was derived from, its depth, its own training data by reference. */
function ancestor(entry: BomAncestor, subject: BomSubject, ctx: CdxContext): Json {
  const into = [...subject.derivedFrom, ...subject.ancestors.flatMap((a) => a.derivedFrom)].filter(
    (d) => d.to === entry.artifact.digest,
  );
  const hows = [...new Set(into.map((d) => d.how).filter((h): h is string => h !== null))].sort();
  return {
    type: 'machine-learning-model',
    ...common(
      entry.artifact,
      into.flatMap((d) => d.evidence),
      ctx,
    ),
    // An ancestor gets a card only when there is something to say: a signed one, or its training data.
    ...(entry.artifact.card?.modelCard || entry.datasets.length > 0
      ? {
          modelCard: modelCard(
            entry.artifact,
            entry.datasets.map((d) => d.artifact.digest),
            [],
            ctx,
          ),
        }
      : {}),
    properties: [
      { name: 'mpg:depth', value: String(entry.depth) },
      ...hows.map((how) => ({ name: 'mpg:derivedBy', value: how })),
    ],
  };
}

/** A dataset as a `data` component; `roles` says how the BOM's models used it (training, evaluation). */
export function dataComponent(
  artifact: BomArtifact,
  evidence: readonly string[],
  roles: readonly string[],
  ctx: CdxContext,
): Json {
  const card = artifact.card;
  const type = card?.datasetType && DATA_TYPES.has(card.datasetType) ? card.datasetType : 'dataset';
  const entry = {
    type,
    name: artifact.name ?? artifact.digest,
    ...(card?.sourceUrl ? { contents: { url: card.sourceUrl } } : {}),
    ...(card && card.sensitiveData.length > 0 ? { sensitiveData: [...card.sensitiveData] } : {}),
  };
  const declared =
    card?.datasetType && !DATA_TYPES.has(card.datasetType) ? [{ name: 'mpg:datasetType', value: card.datasetType }] : [];
  return {
    type: 'data',
    ...common(artifact, evidence, ctx),
    data: [entry],
    ...nonEmpty('properties', [...[...new Set(roles)].sort().map((value) => ({ name: 'mpg:role', value })), ...declared]),
  };
}

export function libraryComponent(pkg: BomPackage, ctx: CdxContext): Json {
  return {
    type: 'library',
    'bom-ref': pkg.purl ?? pkg.digest ?? '',
    name: pkg.name ?? pkg.purl ?? pkg.digest ?? '',
    ...(pkg.version ? { version: pkg.version } : {}),
    ...hashes(pkg.digest, ...pkg.digests),
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    ...nonEmpty('externalReferences', attestationRefs(pkg.evidence, ctx)),
  };
}
