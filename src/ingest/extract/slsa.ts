// SLSA Provenance v1 (https://slsa.dev/provenance/v1) → lineage: subjects produced by a run on a
// builder from resolved dependencies, each dependency linked by its role (docs/LINEAGE.md).
import { z } from 'zod';
import type { ArtifactFact, EdgeFact, InferredEdgeFact, KindRank, PackageFact, RunFact } from '../../graph/index.ts';
import type { Statement } from '../../verify/index.ts';
import {
  allDigests,
  annotation,
  descriptorSchema,
  identityDigest,
  purlOf,
  purlParts,
  zodMessage,
  type Descriptor,
} from './descriptor.ts';
import type { Extracted } from './types.ts';
import { atlasDependencies } from './atlas-slsa.ts';
import { referenceOf, type Reference } from './reference.ts';
import { runKindOf } from './run-kind.ts';

const provenanceSchema = z.object({
  buildDefinition: z.object({
    buildType: z.string().min(1),
    externalParameters: z.unknown(),
    // No count limit here: verify refuses over-limit provenance first (LIMIT_EXCEEDED, maxSlsaDependencies and
    // maxSlsaLinks in src/verify/limits.ts), so the limit is one configurable number with one clear reason code.
    resolvedDependencies: z.array(descriptorSchema).default([]),
  }),
  runDetails: z.object({
    builder: z.object({ id: z.string().min(1) }),
    metadata: z
      .object({ invocationId: z.string().optional(), startedOn: z.string().optional(), finishedOn: z.string().optional() })
      .optional(),
  }),
});

export function extractSlsa(statement: Statement, attestationDigest: string): Extracted {
  const parsed = provenanceSchema.safeParse(statement.predicate);
  if (!parsed.success) return { ok: false, message: `SLSA provenance predicate: ${zodMessage(parsed.error)}` };
  const { buildDefinition, runDetails } = parsed.data;
  const runKind = runKindOf(buildDefinition.externalParameters, buildDefinition.buildType, runDetails.builder.id);
  const run: RunFact = {
    // An empty invocationId (protobuf's default, as Atlas CLI writes it) names no run.
    id: runDetails.metadata?.invocationId || attestationDigest,
    runKind,
    buildType: buildDefinition.buildType,
    builder: runDetails.builder.id,
    startedOn: runDetails.metadata?.startedOn ?? null,
    finishedOn: runDetails.metadata?.finishedOn ?? null,
    externalParameters: JSON.stringify(buildDefinition.externalParameters ?? null),
  };

  const artifacts = new Map<string, ArtifactFact>();
  // One claim per artifact: the strongest this document makes (a subject's before a dependency's use of it).
  const addArtifact = (digest: string, label: 'Model' | 'Dataset' | null, rank: KindRank, name: string | undefined): void => {
    const known = artifacts.get(digest);
    const keep =
      known !== undefined && known.labels.length > 0 && (label === null || RANK_ORDER[known.rank ?? 'own'] >= RANK_ORDER[rank]);
    const labels = keep ? known.labels : label ? [label] : [];
    const kept = keep ? known.rank : rank;
    artifacts.set(digest, {
      digest,
      labels,
      ...(labels.length > 0 && kept ? { rank: kept } : {}),
      ...((known?.name ?? name) ? { name: known?.name ?? name } : {}),
    });
  };
  const edges: EdgeFact[] = [
    { type: 'RAN_ON', from: { kind: 'run', id: run.id }, to: { kind: 'builder', id: run.builder }, props: {} },
  ];
  const inferred: InferredEdgeFact[] = [];
  const packages = new Map<string, PackageFact>();
  const dependencies = [
    ...buildDefinition.resolvedDependencies,
    ...atlasDependencies(buildDefinition.buildType, buildDefinition.externalParameters),
  ];
  const attests: string[] = [];
  const references = new Set<string>();

  // A name users use and a content digest in one descriptor: this document binds the two (docs/LINEAGE.md, "Names").
  const bind = (reference: Reference, digest: string): void => {
    addArtifact(reference.key, null, 'usage', reference.name);
    addArtifact(digest, null, 'usage', undefined);
    edges.push(
      { type: 'SAME_AS', from: { kind: 'artifact', digest: reference.key }, to: { kind: 'artifact', digest }, props: {} },
      { type: 'SAME_AS', from: { kind: 'artifact', digest }, to: { kind: 'artifact', digest: reference.key }, props: {} },
    );
  };

  for (const subject of statement.subjects) {
    const reference = referenceOf(subject);
    const content = contentDigest(subject.digest);
    const digest = content ?? reference?.key ?? identityDigest(subject.digest);
    if (!digest) return { ok: false, message: `subject "${subject.name}" has no usable digest` };
    if (reference && content) bind(reference, content);
    // The subject's kind (docs/LINEAGE.md, "Kind"): its explicit role, else what the run kind implies, else Model by
    // default (a provenance's product); the write weighs it against every other claim about the artifact.
    const explicit = annotation(subject.annotations, 'role');
    const subjectRole = explicit ?? (runKind === 'preprocessing' ? 'dataset' : 'model');
    const rank: KindRank = explicit ? 'own' : runKind === 'unknown' ? 'default' : 'run';
    addArtifact(
      digest,
      subjectRole === 'framework' ? null : subjectRole === 'dataset' ? 'Dataset' : 'Model',
      rank,
      subject.name || undefined,
    );
    attests.push(digest);
    const from = { kind: 'artifact', digest } as const;
    edges.push({ type: 'PRODUCED_BY', from, to: { kind: 'run', id: run.id }, props: {} });

    for (const dependency of dependencies) {
      const reference = referenceOf(dependency);
      const linked = linkDependency(dependency, reference, digest, runKind);
      if (!linked) continue;
      if (linked.artifact) {
        if (reference) references.add(reference.key);
        addArtifact(linked.artifact.digest, linked.artifact.label, 'usage', dependency.name ?? reference?.name);
        const content = contentDigest(dependency.digest);
        if (reference && content) bind(reference, content);
      }
      if (linked.package) packages.set(linked.package.purl, mergePackage(packages.get(linked.package.purl), linked.package));
      if (linked.edge) edges.push(linked.edge);
      if (linked.inferred) inferred.push(linked.inferred);
    }
  }
  return {
    ok: true,
    lineage: {
      artifacts: [...artifacts.values()],
      contains: [],
      attests,
      runs: [run],
      packages: [...packages.values()],
      edges,
      inferred,
      references: [...references].sort(),
    },
  };
}

interface Linked {
  artifact?: { digest: string; label: 'Model' | 'Dataset' | null };
  package?: PackageFact;
  edge?: EdgeFact;
  inferred?: InferredEdgeFact;
}

const RANK_ORDER: Record<KindRank, number> = { own: 4, usage: 3, run: 2, default: 1 };

/**
 * A `base-model` or `dataset` dependency says what the dependency is (a claim of rank `usage` on it), and its edge is
 * typed in the write from what the graph concludes of both ends (facts.ts, InferredEdgeFact): DERIVED_FROM into a
 * model, TRAINED_ON into a dataset from a model, DERIVED_FROM into a dataset from a dataset. So a subject that other
 * evidence shows to be a dataset gets the right edge whichever document arrived first.
 */
function linkDependency(dependency: Descriptor, reference: Reference | null, subject: string, runKind: string): Linked | null {
  const from = { kind: 'artifact', digest: subject } as const;
  // A Hugging Face or git reference is the node (not a package); a git repository without a role is the run's code.
  const purl = reference ? null : (purlOf(dependency.uri) ?? purlOf(dependency.name));
  const digest = reference?.key ?? identityDigest(dependency.digest);
  const role =
    annotation(dependency.annotations, 'role') ??
    (purl ? 'framework' : reference?.source === 'git' ? 'code' : reference?.dataset ? 'dataset' : null);
  if (role === 'framework') {
    if (purl) {
      const pkg: PackageFact = { purl, ...purlParts(purl), digests: allDigests(dependency.digest) };
      return { package: pkg, edge: { type: 'BUILT_WITH', from, to: { kind: 'package', purl }, props: {} } };
    }
    if (!digest) return null;
    return { artifact: { digest, label: null }, edge: { type: 'BUILT_WITH', from, to: { kind: 'artifact', digest }, props: {} } };
  }
  // Without a digest a dependency cannot be named by content: it is not linked (docs/LINEAGE.md, "Identity").
  if (!digest) return null;
  const to = { kind: 'artifact', digest } as const;
  switch (role) {
    case 'base-model':
      return { artifact: { digest, label: 'Model' }, inferred: { from: subject, to: digest, how: runKind } };
    case 'dataset':
      return { artifact: { digest, label: 'Dataset' }, inferred: { from: subject, to: digest, how: runKind } };
    case null:
      return { artifact: { digest, label: null }, inferred: { from: subject, to: digest, how: runKind } };
    default:
      return { artifact: { digest, label: null }, edge: { type: 'USED', from, to, props: { role } } };
  }
}

/** The identity digest of the content, leaving out a `gitCommit`, which names a commit and not these bytes. */
function contentDigest(digestSet: Readonly<Record<string, string>> | undefined): string | null {
  if (!digestSet) return null;
  return identityDigest(
    Object.fromEntries(Object.entries(digestSet).filter(([algorithm]) => algorithm.toLowerCase() !== 'gitcommit')),
  );
}

function mergePackage(known: PackageFact | undefined, next: PackageFact): PackageFact {
  if (!known) return next;
  return { ...known, digests: [...new Set([...known.digests, ...next.digests])] };
}
