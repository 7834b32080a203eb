// CycloneDX 1.6/1.7 `formulation` (https://cyclonedx.org/docs/1.6/json/#formulation): how the model was
// made. One workflow per verified pipeline run (SLSA Provenance v1): the run id as uid, its kind, build
// type and builder as properties, one task with the resolved inputs (by bom-ref) and the hyperparameters
// (`externalParameters`), the model as output; the builder is a service the workflow references.
import type { BomRun, BomSubject } from '../graph/index.ts';
import { attestationRefs, dataComponent, nonEmpty, type CdxContext, type Json } from './cyclonedx-components.ts';
import { isDateTime } from './identifiers.ts';

// USED roles (docs/LINEAGE.md) → componentData.type.
const USED_DATA_TYPE: Record<string, string> = { code: 'source-code', config: 'configuration' };

export function formulation(subject: BomSubject, ctx: CdxContext): Json[] {
  if (subject.runs.length === 0) return [];
  // A used artifact already in the BOM (as a model or dataset) keeps that one bom-ref.
  const listed = new Set([
    subject.model.digest,
    ...subject.ancestors.flatMap((a) => [a.artifact.digest, ...a.datasets.map((d) => d.artifact.digest)]),
    ...subject.datasets.map((d) => d.artifact.digest),
    ...subject.evaluations.map((e) => e.dataset.digest),
  ]);
  // One component per artifact (a bom-ref is unique), with every role it was used in.
  const byArtifact = new Map<string, { artifact: BomSubject['used'][number]['artifact']; roles: string[]; evidence: string[] }>();
  for (const u of subject.used) {
    if (listed.has(u.artifact.digest)) continue;
    const entry = byArtifact.get(u.artifact.digest) ?? { artifact: u.artifact, roles: [], evidence: [] };
    entry.roles.push(u.role);
    entry.evidence.push(...u.evidence.filter((d) => !entry.evidence.includes(d)));
    byArtifact.set(u.artifact.digest, entry);
  }
  const components = [...byArtifact.values()].map(({ artifact, roles, evidence }) => {
    const component = dataComponent(artifact, evidence, roles, ctx);
    // componentData.type has one value: a single role's, or `other` for an artifact used in several.
    const type = roles.length === 1 ? (USED_DATA_TYPE[roles[0] ?? ''] ?? 'other') : 'other';
    const data = (component['data'] as Json[]).map((d) => ({ ...d, type }));
    return { ...component, data };
  });
  const builders = new Map<string, readonly string[]>();
  for (const run of subject.runs)
    for (const b of run.builders) builders.set(b.id, [...(builders.get(b.id) ?? []), ...b.evidence]);
  const services = [...builders].map(([id, evidence]) => ({
    'bom-ref': builderRef(id),
    name: id,
    ...nonEmpty('externalReferences', attestationRefs(evidence, ctx)),
  }));
  return [
    {
      'bom-ref': `formulation:${subject.model.digest}`,
      ...nonEmpty('components', components),
      ...nonEmpty('services', services),
      workflows: subject.runs.map((run) => workflow(run, subject.model.digest, ctx)),
    },
  ];
}

function builderRef(id: string): string {
  return `builder:${id}`;
}

function workflow(run: BomRun, model: string, ctx: CdxContext): Json {
  const times = {
    ...(isDateTime(run.startedOn) ? { timeStart: run.startedOn } : {}),
    ...(isDateTime(run.finishedOn) ? { timeEnd: run.finishedOn } : {}),
  };
  const resources = run.inputs.map((input) => ({
    resource: { ref: input.key },
    properties: [{ name: 'mpg:role', value: input.role }],
  }));
  const parameters = hyperparameters(run.externalParameters);
  const kind = run.runKind ?? 'training';
  return {
    'bom-ref': `run:${run.id}`,
    uid: run.id,
    name: `${kind} run ${run.id}`,
    taskTypes: ['build'],
    resourceReferences: [
      ...run.builders.map((b) => ({ ref: builderRef(b.id) })),
      ...attestationRefs(run.evidence, ctx).map((externalReference) => ({ externalReference })),
    ],
    tasks: [
      {
        'bom-ref': `run:${run.id}#${kind}`,
        uid: `${run.id}#${kind}`,
        name: kind,
        // CycloneDX task types name CI/CD actions; training a model is the build of that artifact.
        taskTypes: ['build'],
        ...nonEmpty('inputs', [...resources, ...(parameters.length > 0 ? [{ parameters }] : [])]),
        outputs: [{ type: 'artifact', resource: { ref: model } }],
        ...times,
      },
    ],
    ...times,
    properties: [
      { name: 'mpg:runKind', value: kind },
      ...(run.buildType ? [{ name: 'mpg:buildType', value: run.buildType }] : []),
      ...run.builders.map((b) => ({ name: 'mpg:builder', value: b.id })),
      ...run.otherOutputs.map((o) => ({ name: 'mpg:otherOutput', value: o.digest })),
    ],
  };
}

/** Top-level `externalParameters` entries as CycloneDX parameters; non-string values as JSON text. */
function hyperparameters(json: string | null): Json[] {
  if (!json) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [{ name: 'externalParameters', value: json, dataType: 'string' }];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.keys(value)
    .sort()
    .map((name) => {
      const v = (value as Record<string, unknown>)[name];
      return {
        name,
        value: typeof v === 'string' ? v : JSON.stringify(v),
        dataType: typeof v === 'string' ? 'string' : typeof v,
      };
    });
}
