// Reads what an AI-BOM needs about one model in one Cypher query (plus one for the attestations' signers):
// its card, files, upstream models, datasets, packages, runs and evaluations. An edge counts only while
// at least one attestation in its `evidence` is verified now (docs/LINEAGE.md, "Evidence"); the ancestor
// walk follows only such edges, computed here from the candidate set the query returns.
import type {
  BomAncestor,
  BomArtifact,
  BomAttestation,
  BomDataset,
  BomDerivation,
  BomPackage,
  BomRun,
  BomSubject,
} from './subject.ts';
import { chooseCard, type ScopedCard } from './card.ts';
import type { GraphConnection } from '../driver.ts';
import { fetchEvidence } from '../read/evidence.ts';
import { readAll, toNumberOrNull } from '../read/query.ts';
import { MAX_DEPTH } from '../traverse/subgraph.ts';
import { REL } from '../views.ts';

/** The verified subset of an edge's evidence. */
const VERIFIED = (r: string): string =>
  `COLLECT { MATCH (va:Attestation) WHERE va.digest IN coalesce(${r}.evidence, []) AND va.status = 'verified' RETURN va.digest AS vd }`;

/** One card's DESCRIBES edge `ce` from card attestation `ca`, as chooseCard (card.ts) takes it. */
const CARD = `{digest: ca.digest, own: ce.own, issuedAt: ce.issuedAt, fields: properties(ce)} AS card`;

// A card counts only while it is verified and in this BOM's scope (docs/LINEAGE.md, "Card fields"): the node's own
// cards, or the cards that are evidence of the edge by which this BOM reaches the node (the exported model's, or an
// ancestor's, card naming a dataset among its data components). Cards other models made about a popular dataset are
// theirs: citing them would put thousands of unrelated attestations in this BOM. Each branch starts from the few
// attestations in scope (an own card also ATTESTS the node; edge evidence by the digest index) and only then looks
// for the edge into the node. The CALL keeps that order: given one MATCH, the planner expands from the node over
// every incoming DESCRIBES of a popular dataset (checked with PROFILE; card-evidence.test.ts guards it).
const ARTIFACT = (n: string, via?: string): string => `{
  digest: ${n}.digest, name: ${n}.name, labels: labels(${n}),
  attestedBy: COLLECT { MATCH (aa:Attestation)-[:ATTESTS]->(${n}) WHERE aa.status = 'verified' RETURN aa.digest AS ad },
  cards: COLLECT {
    MATCH (ca:Attestation)-[:ATTESTS]->(${n}) WHERE ca.status = 'verified'
    CALL (ca, ${n}) { MATCH (ca)-[ce:DESCRIBES]->(${n}) WHERE ce.own RETURN ce }
    RETURN ${CARD}
    ${
      via === undefined
        ? ''
        : `UNION
    MATCH (ca:Attestation) WHERE ca.digest IN coalesce(${via}.evidence, []) AND ca.status = 'verified'
    CALL (ca, ${n}) { MATCH (ca)-[ce:DESCRIBES]->(${n}) RETURN ce }
    RETURN ${CARD}`
    }
  }
}`;

// Relationship types and the depth bound are fixed text, never input; the digest is a parameter (exported for tests).
export const BOM_QUERY = `
MATCH (m:Artifact {digest: $digest})
OPTIONAL MATCH (m)-[:${REL.DERIVED_FROM}*1..${MAX_DEPTH}]->(x:Artifact)
WITH m, collect(DISTINCT x) AS upstream
RETURN ${ARTIFACT('m')} AS model,
  [(m)-[c:${REL.CONTAINS}]->(f) | {path: c.path, digest: f.digest, start: c.start, end: c.end, evidence: ${VERIFIED('c')}}] AS files,
  [n IN [m] + upstream | {artifact: ${ARTIFACT('n')},
    derivedFrom: [(n)-[r:${REL.DERIVED_FROM}]->(b) | {to: b.digest, how: r.how, evidence: ${VERIFIED('r')}}],
    trainedOn: [(n)-[r:${REL.TRAINED_ON}]->(d) | {artifact: ${ARTIFACT('d', 'r')}, evidence: ${VERIFIED('r')}}]
  }] AS models,
  [(m)-[r:${REL.BUILT_WITH}]->(p) | {purl: p.purl, digest: p.digest, name: p.name, version: p.version, digests: p.digests,
    evidence: ${VERIFIED('r')}}] AS packages,
  [(m)-[r:${REL.USED}]->(u) | {artifact: ${ARTIFACT('u', 'r')}, role: r.role, evidence: ${VERIFIED('r')}}] AS used,
  [(m)-[r:${REL.EVALUATED_ON}]->(d) | {artifact: ${ARTIFACT('d', 'r')}, result: r.result, url: r.url, evidence: ${VERIFIED('r')}}] AS evaluations,
  [(m)-[p:${REL.PRODUCED_BY}]->(run:PipelineRun) | {id: run.id, runKind: run.runKind, buildType: run.buildType,
    startedOn: run.startedOn, finishedOn: run.finishedOn, externalParameters: run.externalParameters, evidence: ${VERIFIED('p')},
    builders: [(run)-[q:${REL.RAN_ON}]->(b:Builder) | {id: b.id, evidence: ${VERIFIED('q')}}],
    outputs: [(o)-[q:${REL.PRODUCED_BY}]->(run) WHERE o <> m | {digest: o.digest, name: o.name, evidence: ${VERIFIED('q')}}]
  }] AS runs`;

type Row = Record<string, unknown>;

/** Everything the AI-BOM of `digest` needs, or null when no artifact has that digest. */
export async function readBomSubject(graph: GraphConnection, digest: string): Promise<BomSubject | null> {
  const [record] = await readAll(graph, BOM_QUERY, { digest }, `reading the AI-BOM subject ${digest}`);
  if (!record) return null;
  const model = toArtifact(record.get('model') as Row);
  const models = new Map((record.get('models') as Row[]).map((row) => [toArtifact(row['artifact'] as Row).digest, row]));
  const derivedFrom = derivations(model.digest, models.get(model.digest));
  const ancestors = walkAncestors(model.digest, models);
  const datasets = toDatasets(models.get(model.digest)?.['trainedOn']);
  const packages = (record.get('packages') as Row[]).map(toPackage).filter((p) => p.evidence.length > 0);
  packages.sort((a, b) => compare(a.purl ?? a.digest ?? '', b.purl ?? b.digest ?? ''));
  const used = (record.get('used') as Row[])
    .map((row) => ({
      artifact: toArtifact(row['artifact'] as Row),
      role: String(row['role'] ?? 'input'),
      evidence: list(row['evidence']),
    }))
    .filter((u) => u.evidence.length > 0)
    .sort((a, b) => compare(a.artifact.digest, b.artifact.digest));
  const evaluations = (record.get('evaluations') as Row[])
    .map((row) => ({
      dataset: toArtifact(row['artifact'] as Row),
      result: text(row['result']),
      url: text(row['url']),
      evidence: list(row['evidence']),
    }))
    .filter((e) => e.evidence.length > 0)
    .sort((a, b) => compare(a.dataset.digest, b.dataset.digest));
  const files = (record.get('files') as Row[])
    .map((row) => ({
      path: String(row['path']),
      digest: String(row['digest']),
      start: toNumberOrNull(row['start']),
      end: toNumberOrNull(row['end']),
      evidence: list(row['evidence']),
    }))
    .filter((f) => f.evidence.length > 0)
    .sort((a, b) => compare(a.path, b.path) || (a.start ?? 0) - (b.start ?? 0));
  const runs = (record.get('runs') as Row[])
    .map((row) => toRun(row, { derivedFrom, ancestors, datasets, packages, used }))
    .filter((run) => run.evidence.length > 0)
    .sort((a, b) => compare(a.id, b.id));

  const partial = { model, files, derivedFrom, ancestors, datasets, packages, used, runs, evaluations };
  return { ...partial, attestations: await describeAttestations(graph, partial) };
}

function derivations(from: string, row: Row | undefined): BomDerivation[] {
  return ((row?.['derivedFrom'] as Row[] | undefined) ?? [])
    .map((edge) => ({ from, to: String(edge['to']), how: text(edge['how']), evidence: list(edge['evidence']) }))
    .filter((edge) => edge.evidence.length > 0)
    .sort((a, b) => compare(a.to, b.to));
}

/** Breadth-first over verified DERIVED_FROM edges only, so an ancestor reached through revoked evidence is left out. */
function walkAncestors(root: string, models: ReadonlyMap<string, Row>): BomAncestor[] {
  const depth = new Map<string, number>([[root, 0]]);
  let frontier = [root];
  for (let level = 1; level <= MAX_DEPTH && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const digest of frontier) {
      for (const edge of derivations(digest, models.get(digest))) {
        if (depth.has(edge.to) || !models.has(edge.to)) continue;
        depth.set(edge.to, level);
        next.push(edge.to);
      }
    }
    frontier = next;
  }
  const ancestors: BomAncestor[] = [];
  for (const [digest, level] of depth) {
    const row = models.get(digest);
    if (level === 0 || !row) continue;
    ancestors.push({
      artifact: toArtifact(row['artifact'] as Row),
      depth: level,
      derivedFrom: derivations(digest, row).filter((edge) => depth.has(edge.to)),
      datasets: toDatasets(row['trainedOn']),
    });
  }
  return ancestors.sort((a, b) => a.depth - b.depth || compare(a.artifact.digest, b.artifact.digest));
}

function toDatasets(rows: unknown): BomDataset[] {
  return ((rows as Row[] | undefined) ?? [])
    .map((row) => ({ artifact: toArtifact(row['artifact'] as Row), evidence: list(row['evidence']) }))
    .filter((d) => d.evidence.length > 0)
    .sort((a, b) => compare(a.artifact.digest, b.artifact.digest));
}

function toPackage(row: Row): BomPackage {
  return {
    purl: text(row['purl']),
    digest: text(row['digest']),
    name: text(row['name']),
    version: text(row['version']),
    digests: [...list(row['digests'])].sort(),
    evidence: list(row['evidence']),
  };
}

interface SubjectEdges {
  readonly derivedFrom: readonly BomDerivation[];
  readonly ancestors: readonly BomAncestor[];
  readonly datasets: readonly BomDataset[];
  readonly packages: readonly BomPackage[];
  readonly used: readonly { artifact: BomArtifact; role: string; evidence: readonly string[] }[];
}

/**
 * A run's resolved inputs are not edges of the run: SLSA dependencies become edges of the subject
 * (docs/LINEAGE.md), so the run's inputs are the subject's edges asserted by the same verified provenance.
 */
function toRun(row: Row, edges: SubjectEdges): BomRun {
  const evidence = list(row['evidence']);
  const same = (other: readonly string[]): boolean => other.some((d) => evidence.includes(d));
  const nameOf = (digest: string): string | null =>
    edges.ancestors.find((a) => a.artifact.digest === digest)?.artifact.name ?? null;
  const inputs = [
    ...edges.derivedFrom.filter((e) => same(e.evidence)).map((e) => ({ role: 'base-model', key: e.to, name: nameOf(e.to) })),
    ...edges.datasets
      .filter((d) => same(d.evidence))
      .map((d) => ({ role: 'dataset', key: d.artifact.digest, name: d.artifact.name })),
    ...edges.packages
      .filter((p) => same(p.evidence))
      .map((p) => ({ role: 'framework', key: p.purl ?? p.digest ?? '', name: p.name })),
    ...edges.used.filter((u) => same(u.evidence)).map((u) => ({ role: u.role, key: u.artifact.digest, name: u.artifact.name })),
  ];
  return {
    id: String(row['id']),
    runKind: text(row['runKind']),
    buildType: text(row['buildType']),
    startedOn: text(row['startedOn']),
    finishedOn: text(row['finishedOn']),
    externalParameters: text(row['externalParameters']),
    builders: (row['builders'] as Row[])
      .map((b) => ({ id: String(b['id']), evidence: list(b['evidence']) }))
      .filter((b) => b.evidence.length > 0)
      .sort((a, b) => compare(a.id, b.id)),
    inputs,
    otherOutputs: (row['outputs'] as Row[])
      .filter((o) => list(o['evidence']).length > 0)
      .map((o) => ({ digest: String(o['digest']), name: text(o['name']) }))
      .sort((a, b) => compare(a.digest, b.digest)),
    evidence,
  };
}

function toArtifact(row: Row): BomArtifact {
  const { name, card } = chooseCard(
    ((row['cards'] as Row[] | undefined) ?? []).map((c) => ({
      digest: String(c['digest']),
      own: c['own'] === true,
      issuedAt: typeof c['issuedAt'] === 'string' ? c['issuedAt'] : null,
      fields: c['fields'] as ScopedCard['fields'],
    })),
  );
  return {
    digest: String(row['digest']),
    // A card's name when one gives it (the exported card says what the artifact is called), else the node's.
    name: name ?? text(row['name']),
    labels: list(row['labels']).filter((l) => l !== 'Artifact'),
    card,
    attestedBy: list(row['attestedBy']),
  };
}

/** Looks up every attestation the subject names, keeping those still verified, sorted by digest. */
async function describeAttestations(
  graph: GraphConnection,
  subject: Omit<BomSubject, 'attestations'>,
): Promise<BomAttestation[]> {
  const digests = new Set<string>();
  const artifact = (a: BomArtifact): void => [...a.attestedBy, ...(a.card?.evidence ?? [])].forEach((d) => digests.add(d));
  const evidence = (items: readonly { evidence: readonly string[] }[]): void =>
    items.forEach((i) => i.evidence.forEach((d) => digests.add(d)));
  artifact(subject.model);
  evidence(subject.files);
  evidence(subject.derivedFrom);
  for (const ancestor of subject.ancestors) {
    artifact(ancestor.artifact);
    evidence(ancestor.derivedFrom);
    evidence(ancestor.datasets);
    ancestor.datasets.forEach((d) => artifact(d.artifact));
  }
  evidence(subject.datasets);
  subject.datasets.forEach((d) => artifact(d.artifact));
  evidence(subject.packages);
  evidence(subject.used);
  subject.used.forEach((u) => artifact(u.artifact));
  evidence(subject.evaluations);
  subject.evaluations.forEach((e) => artifact(e.dataset));
  for (const run of subject.runs) {
    run.evidence.forEach((d) => digests.add(d));
    evidence(run.builders);
  }
  const views = await fetchEvidence(graph, digests);
  return [...views.values()]
    .filter((v) => v.status === 'verified')
    .map((v) => ({ digest: v.digest, predicateType: v.predicateType, signer: v.signer }))
    .sort((a, b) => compare(a.digest, b.digest));
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String).sort() : [];
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
