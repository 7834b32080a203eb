// SPDX 3.0.1 JSON-LD (https://spdx.github.io/spdx-spec/v3.0.1/) AI-BOM for one model: the model as
// `ai_AIPackage`, datasets as `dataset_DatasetPackage`, frameworks as `software_Package` with purls, base
// models as AIPackages; relationships `trainedOn`, `testedOn`, `ancestorOf` (base → derived), `dependsOn`
// (model → packages), `contains` (model → files); runs as `build_Build` with `hasInput`/`hasOutput`.
// Hashes go in `verifiedUsing`; each relationship names its evidence attestations in `externalRef`.
import type { BomArtifact, BomAttestation, BomPackage, BomRunInput, BomSubject } from '../graph/index.ts';
import type { BomOptions } from './cyclonedx.ts';
import { attestationComment, attestationUrl, contentUuid, spdxDateTime, spdxHash } from './identifiers.ts';

type Json = Record<string, unknown>;

const CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';
const CREATION = '_:creationinfo';
// SPDX 3.0.1 Dataset/DatasetType vocabulary; anything else is `noAssertion`.
const DATASET_TYPES = new Set([
  'audio',
  'categorical',
  'graph',
  'image',
  'noAssertion',
  'numeric',
  'other',
  'sensor',
  'structured',
  'syntactic',
  'text',
  'timeseries',
  'timestamp',
  'video',
]);

export function buildSpdx(subject: BomSubject, options: BomOptions): Json {
  const ns = `urn:uuid:${contentUuid(JSON.stringify(['spdx-3.0.1', options, subject]))}`;
  const attestations = new Map(subject.attestations.map((a) => [a.digest, a]));
  const elements = new Map<string, Json>();
  const id = (kind: string, key: string): string => `${ns}#${kind}-${encodeURIComponent(key)}`;
  const put = (element: Json): string => {
    const spdxId = String(element['spdxId']);
    if (!elements.has(spdxId)) elements.set(spdxId, { creationInfo: CREATION, ...element });
    return spdxId;
  };
  let relationships = 0;
  const relate = (from: string, type: string, to: readonly string[], evidence: readonly string[]): void => {
    if (to.length === 0) return;
    relationships++;
    put({
      type: 'Relationship',
      spdxId: `${ns}#relationship-${relationships}`,
      from,
      relationshipType: type,
      to: [...new Set(to)].sort(),
      ...evidenceRefs(evidence, attestations, options.baseUrl),
    });
  };
  const agent = put({ type: 'SoftwareAgent', spdxId: `${ns}#tool`, name: 'model-provenance-graph' });
  // Models and datasets in the document, for their declared licenses.
  const described = new Map<string, [BomArtifact, string]>();
  const aiPackage = (artifact: BomArtifact): string => {
    const spdxId = put({ type: 'ai_AIPackage', spdxId: id('model', artifact.digest), ...packageFields(artifact, 'model') });
    described.set(spdxId, [artifact, spdxId]);
    return spdxId;
  };
  const dataset = (artifact: BomArtifact): string => {
    const spdxId = put({
      type: 'dataset_DatasetPackage',
      spdxId: id('dataset', artifact.digest),
      ...packageFields(artifact, 'data'),
      dataset_datasetType: datasetTypes(artifact.card?.datasetType ?? null),
    });
    described.set(spdxId, [artifact, spdxId]);
    return spdxId;
  };

  const model = aiPackage(subject.model);
  relate(
    model,
    'contains',
    subject.files.map((f) =>
      put({
        type: 'software_File',
        spdxId: id('file', f.start === null ? f.path : `${f.path}:${f.start}:${f.end ?? ''}`),
        name: f.path,
        ...verified(f.digest),
      }),
    ),
    subject.files.flatMap((f) => f.evidence),
  );
  for (const a of subject.ancestors) aiPackage(a.artifact);
  for (const edge of [...subject.derivedFrom, ...subject.ancestors.flatMap((a) => a.derivedFrom)]) {
    // SPDX 3.0.1 `ancestorOf`: "the from Element is an ancestor of each to Element".
    relate(id('model', edge.to), 'ancestorOf', [id('model', edge.from)], edge.evidence);
  }
  for (const d of subject.datasets) relate(model, 'trainedOn', [dataset(d.artifact)], d.evidence);
  for (const a of subject.ancestors)
    for (const d of a.datasets) relate(id('model', a.artifact.digest), 'trainedOn', [dataset(d.artifact)], d.evidence);
  for (const e of subject.evaluations) relate(model, 'testedOn', [dataset(e.dataset)], e.evidence);
  for (const p of subject.packages) relate(model, 'dependsOn', [softwarePackage(p, id, put)], p.evidence);
  for (const [artifact, spdxId] of described.values()) {
    const license = artifact.card?.license;
    if (!license) continue;
    const expression = put({
      type: 'simplelicensing_LicenseExpression',
      spdxId: id('license', license),
      simplelicensing_licenseExpression: license,
    });
    relate(spdxId, 'hasDeclaredLicense', [expression], artifact.card?.evidence ?? []);
  }
  for (const run of subject.runs) {
    const build = put({
      type: 'build_Build',
      spdxId: id('build', run.id),
      // build_buildType is a required IRI; a run without one keeps our own.
      build_buildType: run.buildType ?? 'urn:mpg:build-type:unknown',
      build_buildId: run.id,
      ...optional('build_buildStartTime', spdxDateTime(run.startedOn)),
      ...optional('build_buildEndTime', spdxDateTime(run.finishedOn)),
      ...optional('comment', run.runKind ? `run kind: ${run.runKind}` : null),
    });
    const inputs = run.inputs.map((input) => inputElement(input, id, elements));
    relate(
      build,
      'hasInput',
      inputs.filter((i): i is string => i !== null),
      run.evidence,
    );
    relate(build, 'hasOutput', [model], run.evidence);
    for (const builder of run.builders) {
      relate(
        build,
        'invokedBy',
        [put({ type: 'SoftwareAgent', spdxId: id('builder', builder.id), name: builder.id })],
        builder.evidence,
      );
    }
  }

  const graph = [...elements.values()];
  return {
    '@context': CONTEXT,
    '@graph': [
      {
        type: 'CreationInfo',
        '@id': CREATION,
        specVersion: '3.0.1',
        created: spdxDateTime(options.timestamp),
        createdBy: [agent],
      },
      {
        type: 'SpdxDocument',
        spdxId: `${ns}#document`,
        creationInfo: CREATION,
        name: `AI-BOM of ${subject.model.name ?? subject.model.digest}`,
        // Only what the document meets: the AI and Dataset profiles also require suppliedBy, releaseTime and
        // concluded licenses (SPDX 3.0.1 profile conformance), which signed lineage does not tell us.
        profileConformance: ['core', 'software'],
        rootElement: [model],
        element: graph.map((e) => String(e['spdxId'])).sort(),
      },
      ...graph,
    ],
  };
}

function packageFields(artifact: BomArtifact, purpose: 'model' | 'data'): Json {
  const card = artifact.card;
  return {
    name: artifact.name ?? artifact.digest,
    ...optional('software_packageVersion', card?.version ?? null),
    ...optional('software_downloadLocation', card?.sourceUrl ?? null),
    software_primaryPurpose: purpose,
    ...verified(artifact.digest),
    ...optional('comment', card && card.sensitiveData.length > 0 ? `sensitive data: ${card.sensitiveData.join('; ')}` : null),
  };
}

function softwarePackage(p: BomPackage, id: (kind: string, key: string) => string, put: (e: Json) => string): string {
  const hashes = [...new Set([p.digest, ...p.digests])].flatMap((d) => (d ? [spdxHash(d)] : [])).filter((h) => h !== null);
  return put({
    type: 'software_Package',
    spdxId: id('package', p.purl ?? p.digest ?? ''),
    name: p.name ?? p.purl ?? p.digest ?? '',
    ...optional('software_packageVersion', p.version),
    ...optional('software_packageUrl', p.purl),
    software_primaryPurpose: 'library',
    ...(hashes.length > 0 ? { verifiedUsing: hashes } : {}),
  });
}

/** The element a run input names; USED artifacts (code, config) that have no element yet become files. */
function inputElement(input: BomRunInput, id: (kind: string, key: string) => string, elements: Map<string, Json>): string | null {
  const { role, key } = input;
  const kind = role === 'base-model' ? 'model' : role === 'dataset' ? 'dataset' : role === 'framework' ? 'package' : 'file';
  const spdxId = id(kind, key);
  if (elements.has(spdxId)) return spdxId;
  if (kind !== 'file') return null;
  elements.set(spdxId, {
    creationInfo: CREATION,
    type: 'software_File',
    spdxId,
    name: input.name ?? key,
    ...verified(key),
    comment: `run input (${role})`,
  });
  return spdxId;
}

function verified(digest: string): Json {
  const hash = spdxHash(digest);
  return hash ? { verifiedUsing: [hash] } : {};
}

function datasetTypes(declared: string | null): string[] {
  const types = (declared ?? '').split(/,\s*/).filter((t) => DATASET_TYPES.has(t));
  return types.length > 0 ? types : ['noAssertion'];
}

function evidenceRefs(
  evidence: readonly string[],
  attestations: ReadonlyMap<string, BomAttestation>,
  baseUrl: string | undefined,
): Json {
  const refs = [...new Set(evidence)].sort().map((digest) => ({
    type: 'ExternalRef',
    // SPDX 3.0.1 has no external reference type for an in-toto attestation; `other` with a comment saying what it is.
    externalRefType: 'other',
    locator: [attestationUrl(digest, baseUrl)],
    comment: attestationComment(attestations.get(digest)),
  }));
  return refs.length > 0 ? { externalRef: refs } : {};
}

function optional(key: string, value: string | null): Json {
  return value === null || value === '' ? {} : { [key]: value };
}
