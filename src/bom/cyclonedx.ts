// CycloneDX 1.6 / 1.7 ML-BOM (https://cyclonedx.org/capabilities/mlbom/) for one model: the model as
// metadata.component (`machine-learning-model`, hashes, files, modelCard, base models in
// pedigree.ancestors), datasets as `data` components, frameworks as `library` components, training runs in
// `formulation`, the `dependencies` graph, and `attestation` external references to the evidence.
// Every document is validated against the official schema before it is returned.
import type { BomSubject } from '../graph/index.ts';
import {
  attestationRefs,
  dataComponent,
  libraryComponent,
  modelComponent,
  type CdxContext,
  type Json,
} from './cyclonedx-components.ts';
import { formulation } from './cyclonedx-formulation.ts';
import { validateCycloneDx, type CycloneDxVersion, type SchemaError } from './cyclonedx-validate.ts';
import { BomError } from './errors.ts';
import { contentUuid } from './identifiers.ts';

export type { CycloneDxVersion } from './cyclonedx-validate.ts';

export interface BomOptions {
  /** the document's creation time, RFC 3339 (a parameter, so the same inputs give the same document). */
  readonly timestamp: string;
  /** the API's public base URL: attestation references then point at `/v1/attestations/{digest}`. */
  readonly baseUrl?: string;
}

const TOOL = { type: 'application', name: 'model-provenance-graph' };

/** Builds and validates the ML-BOM; a schema failure is a BomError INVALID_BOM carrying the errors. */
export async function buildCycloneDx(subject: BomSubject, version: CycloneDxVersion, options: BomOptions): Promise<Json> {
  const attestations = new Map(subject.attestations.map((a) => [a.digest, a]));
  const unusable = new Set<string>();
  // A signed model card came from a document of any CycloneDX version (1.5–1.7): when it is not valid in
  // this one, that card is replaced by one built from the graph, once; any other error is our bug.
  for (let attempt = 0; attempt < 2; attempt++) {
    const document = assemble(subject, version, options, { attestations, baseUrl: options.baseUrl, unusableCards: unusable });
    const errors = await validateCycloneDx(document, version);
    if (errors.length === 0) return document;
    const cards = errors.map((e) => cardOwner(document, e)).filter((d): d is string => d !== null && !unusable.has(d));
    if (attempt > 0 || cards.length !== errors.length) {
      throw new BomError('INVALID_BOM', `CycloneDX ${version} document for ${subject.model.digest} fails its schema`, { errors });
    }
    cards.forEach((digest) => unusable.add(digest));
  }
  throw new BomError('INVALID_BOM', 'unreachable');
}

function assemble(subject: BomSubject, version: CycloneDxVersion, options: BomOptions, ctx: CdxContext): Json {
  const model = modelComponent(subject, ctx);
  const data = datasets(subject, ctx);
  const libraries = subject.packages.map((p) => libraryComponent(p, ctx));
  const formula = formulation(subject, ctx);
  const body: Json = {
    metadata: { timestamp: options.timestamp, tools: { components: [TOOL] }, component: model },
    components: [...data, ...libraries],
    ...(formula.length > 0 ? { formulation: formula } : {}),
    dependencies: dependencies(subject),
    externalReferences: attestationRefs(
      subject.attestations.map((a) => a.digest),
      ctx,
    ),
  };
  return {
    $schema: `http://cyclonedx.org/schema/bom-${version}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: version,
    serialNumber: `urn:uuid:${contentUuid(JSON.stringify([version, body]))}`,
    version: 1,
    ...body,
  };
}

/** One `data` component per dataset digest: the model's training and evaluation data, and its ancestors' training data. */
function datasets(subject: BomSubject, ctx: CdxContext): Json[] {
  const models = new Set([subject.model.digest, ...subject.ancestors.map((a) => a.artifact.digest)]);
  const byDigest = new Map<
    string,
    { artifact: BomSubject['datasets'][number]['artifact']; evidence: string[]; roles: string[] }
  >();
  const add = (artifact: BomSubject['datasets'][number]['artifact'], evidence: readonly string[], role: string): void => {
    // A digest already in the BOM as a model keeps that one bom-ref.
    if (models.has(artifact.digest)) return;
    const entry = byDigest.get(artifact.digest) ?? { artifact, evidence: [], roles: [] };
    entry.evidence.push(...evidence);
    entry.roles.push(role);
    byDigest.set(artifact.digest, entry);
  };
  subject.datasets.forEach((d) => add(d.artifact, d.evidence, 'training'));
  subject.evaluations.forEach((e) => add(e.dataset, e.evidence, 'evaluation'));
  subject.ancestors.forEach((a) => a.datasets.forEach((d) => add(d.artifact, d.evidence, 'ancestor-training')));
  return [...byDigest.values()]
    .sort((a, b) => (a.artifact.digest < b.artifact.digest ? -1 : 1))
    .map((d) => dataComponent(d.artifact, d.evidence, d.roles, ctx));
}

/**
 * What each model depends on: its direct base models, its training data and (for the subject) its
 * frameworks. Evaluation data is not a dependency. Every listed component gets an entry.
 */
function dependencies(subject: BomSubject): Json[] {
  const entries = new Map<string, Set<string>>();
  const add = (ref: string, ...on: string[]): void => {
    const set = entries.get(ref) ?? new Set<string>();
    on.forEach((o) => set.add(o));
    entries.set(ref, set);
  };
  add(
    subject.model.digest,
    ...subject.derivedFrom.map((d) => d.to),
    ...subject.datasets.map((d) => d.artifact.digest),
    ...subject.packages.map((p) => p.purl ?? p.digest ?? ''),
  );
  for (const a of subject.ancestors)
    add(a.artifact.digest, ...a.derivedFrom.map((d) => d.to), ...a.datasets.map((d) => d.artifact.digest));
  for (const ref of [...entries.values()].flatMap((set) => [...set])) add(ref);
  for (const e of subject.evaluations) add(e.dataset.digest);
  return [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ref, on]) => ({ ref, ...(on.size > 0 ? { dependsOn: [...on].sort() } : {}) }));
}

/** The bom-ref of the component whose `modelCard` an error is inside, or null when it is elsewhere. */
function cardOwner(document: Json, error: SchemaError): string | null {
  const at = error.instancePath.indexOf('/modelCard');
  if (at < 0) return null;
  let node: unknown = document;
  for (const part of error.instancePath.slice(1, at).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const ref = (node as Json | undefined)?.['bom-ref'];
  return typeof ref === 'string' ? ref : null;
}
