// A lineage of more than ten thousand models under one foundation model, written straight into Neo4j for the
// explorer's large-answer browser test. Signing and verifying ten thousand documents would measure ingest, which
// the benchmarks do; the point here is size. So the nodes and edges are created with batched `UNWIND $rows`
// statements, shaped as ingest writes a verified attestation (docs/LINEAGE.md, src/graph/write.ts):
//
//   (:Artifact:Model {digest, name, declaredModel, firstSeenAt})
//   (model)-[:DERIVED_FROM {how, evidence: [the model's provenance digest]}]->(base)
//   (:Attestation {digest, status: 'verified', predicateType, method, origin, collector, receivedAt, verifiedAt,
//                  claimedSubjects})-[:ATTESTS]->(model), -[:SIGNED_BY]->(:Key {fingerprint})
//
// Runs, builders and the stored document are left out: no view of a trace or a downstream lineage reads them.
// Every digest and the key derive from `salt`, so the graph shared with other tests only gains nodes of its own;
// `deleteLargeLineage` removes exactly those, by digest.
import { createHash } from 'node:crypto';
import neo4j from 'neo4j-driver';
import type { GraphConnection } from '../../src/graph/index.ts';

const SLSA = 'https://slsa.dev/provenance/v1';
const OMS = 'https://model_signing/signature/v1.0';
const TASKS = ['chat', 'code', 'math', 'med', 'law', 'fin', 'vision', 'tools'];

export interface LargeLineageShape {
  /** direct fine-tunes of the foundation (a narrow rank, drawn node by node). */
  readonly firsts: number;
  /** fine-tunes of each of those (still narrow). */
  readonly perFirst: number;
  /** models derived from the second rank, spread evenly over it: a rank far too wide to draw. */
  readonly wide: number;
  /** each wide model heads a chain of successors, of lengths cycling through chainMin … chainMax. */
  readonly chainMin: number;
  readonly chainMax: number;
  /** every n-th chain also merges into the next chain one rank back (a second base model: a DAG, not a tree). */
  readonly mergeEvery: number;
}

/** 8 + 24 + 1,600 + 1,600 × 5.5 = 10,432 descendants over 10 ranks (the explorer's default trace depth). */
export const TEN_THOUSAND: LargeLineageShape = { firsts: 8, perFirst: 3, wide: 1600, chainMin: 4, chainMax: 7, mergeEvery: 10 };

export interface LargeModel {
  readonly digest: string;
  readonly name: string;
  /** the model's own attestation: an OMS signature for the foundation, SLSA provenance for the others. */
  readonly attestation: string;
  readonly bases: readonly { readonly digest: string; readonly how: string }[];
  /** hops from the foundation on a shortest path (computed here from the edges, breadth first). */
  readonly depth: number;
}

export interface LargeLineage {
  readonly salt: string;
  readonly keyFingerprint: string;
  readonly foundation: LargeModel;
  /** every descendant of the foundation, nearest first. */
  readonly descendants: readonly LargeModel[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function planLargeLineage(salt: string, shape: LargeLineageShape = TEN_THOUSAND): LargeLineage {
  // Short names keep the drawing legible; the digests, not the names, are what is unique per run.
  const org = `ml-${salt.slice(0, 3)}`;
  const digestOf = (id: string): string => `sha256:${sha256(`${salt}/model/${id}`)}`;
  type Draft = { id: string; name: string; bases: { id: string; how: string }[] };
  const drafts: Draft[] = [{ id: 'foundation', name: `${org}/base-70b`, bases: [] }];
  const seconds: string[] = [];
  for (let i = 0; i < shape.firsts; i++) {
    const task = `${TASKS[i % TASKS.length] ?? 'task'}${i >= TASKS.length ? `-${i}` : ''}`;
    drafts.push({ id: `d1/${i}`, name: `${org}/base-${task}`, bases: [{ id: 'foundation', how: 'fine-tune' }] });
    for (let j = 0; j < shape.perFirst; j++) {
      const id = `d2/${i}/${j}`;
      seconds.push(id);
      drafts.push({ id, name: `${org}/base-${task}-v${j + 1}`, bases: [{ id: `d1/${i}`, how: 'fine-tune' }] });
    }
  }
  const chains: string[][] = [];
  for (let w = 0; w < shape.wide; w++) {
    const head = `w/${w}`;
    const base = seconds[w % seconds.length] ?? 'foundation';
    drafts.push({ id: head, name: `${org}/tenant-${String(w).padStart(4, '0')}`, bases: [{ id: base, how: 'fine-tune' }] });
    const chain = [head];
    const length = shape.chainMin + (w % (shape.chainMax - shape.chainMin + 1));
    for (let p = 1; p <= length; p++) {
      const id = `w/${w}/${p}`;
      chain.push(id);
      drafts.push({
        id,
        name: `${org}/tenant-${String(w).padStart(4, '0')}-r${p}`,
        bases: [{ id: chain[p - 1] as string, how: p % 2 === 0 ? 'quantization' : 'fine-tune' }],
      });
    }
    chains.push(chain);
  }
  // Merges: a chain model also derived from the next chain's model one step nearer its head, so it has two bases.
  const byId = new Map(drafts.map((d) => [d.id, d]));
  for (let w = 0; w + 1 < chains.length; w += shape.mergeEvery) {
    const own = chains[w] as string[];
    const next = chains[w + 1] as string[];
    for (let p = 2; p < own.length && p - 1 < next.length; p++)
      byId.get(own[p] as string)?.bases.push({ id: next[p - 1] as string, how: 'merge' });
  }

  // Depths breadth first from the foundation over the edges just made, as the trace will walk them.
  const children = new Map<string, string[]>();
  for (const d of drafts)
    for (const b of d.bases) {
      const list = children.get(b.id) ?? [];
      list.push(d.id);
      children.set(b.id, list);
    }
  const depth = new Map<string, number>([['foundation', 0]]);
  for (let frontier = ['foundation']; frontier.length > 0;) {
    const next: string[] = [];
    for (const id of frontier)
      for (const child of children.get(id) ?? [])
        if (!depth.has(child)) {
          depth.set(child, (depth.get(id) ?? 0) + 1);
          next.push(child);
        }
    frontier = next;
  }
  const models = drafts.map((d): LargeModel => ({
    digest: digestOf(d.id),
    name: d.name,
    attestation: `sha256:${sha256(`${salt}/attestation/${d.id}`)}`,
    bases: d.bases.map((b) => ({ digest: digestOf(b.id), how: b.how })),
    depth: depth.get(d.id) ?? -1,
  }));
  const [foundation, ...descendants] = models as [LargeModel, ...LargeModel[]];
  return {
    salt,
    keyFingerprint: sha256(`${salt}/key`),
    foundation,
    descendants: descendants.sort((a, b) => a.depth - b.depth),
  };
}

function* batches<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
}

async function run(graph: GraphConnection, cypher: string, params: Record<string, unknown>): Promise<void> {
  await graph.driver.executeQuery(cypher, params, { database: graph.database, routing: neo4j.routing.WRITE });
}

/** Writes the lineage: the key, then models with their attestations, then the DERIVED_FROM edges, `batch` rows a statement. */
export async function writeLargeLineage(graph: GraphConnection, lineage: LargeLineage, batch = 5000): Promise<void> {
  const origin = `https://models.example.com/${lineage.salt}`;
  await run(graph, 'CREATE (:Key {fingerprint: $fingerprint})', { fingerprint: lineage.keyFingerprint });
  const models = [lineage.foundation, ...lineage.descendants].map((m) => ({
    digest: m.digest,
    name: m.name,
    attestation: m.attestation,
    predicateType: m.bases.length === 0 ? OMS : SLSA,
  }));
  for (const rows of batches(models, batch))
    await run(
      graph,
      `MATCH (k:Key {fingerprint: $fingerprint})
       UNWIND $rows AS row
       CREATE (m:Artifact:Model {digest: row.digest, name: row.name, declaredModel: true, firstSeenAt: datetime()})
       CREATE (a:Attestation {digest: row.attestation, predicateType: row.predicateType, status: 'verified', method: 'key',
                              reasonCode: null, reason: null, origin: $origin, collector: 'test',
                              receivedAt: datetime(), verifiedAt: datetime(), claimedSubjects: [row.digest]})
       CREATE (a)-[:ATTESTS]->(m)
       CREATE (a)-[:SIGNED_BY]->(k)`,
      { rows, fingerprint: lineage.keyFingerprint, origin },
    );
  const edges = lineage.descendants.flatMap((m) =>
    m.bases.map((b) => ({ from: m.digest, to: b.digest, how: b.how, evidence: [m.attestation] })),
  );
  // Endpoints are found through the artifact_digest constraint's index (migrations/001).
  for (const rows of batches(edges, batch))
    await run(
      graph,
      `UNWIND $rows AS row
       MATCH (m:Artifact {digest: row.from})
       MATCH (b:Artifact {digest: row.to})
       CREATE (m)-[:DERIVED_FROM {how: row.how, evidence: row.evidence}]->(b)`,
      { rows },
    );
}

/** Removes what writeLargeLineage wrote, and only that: its models and attestations by digest, then its key. */
export async function deleteLargeLineage(graph: GraphConnection, lineage: LargeLineage, batch = 5000): Promise<void> {
  const models = [lineage.foundation, ...lineage.descendants];
  for (const rows of batches(
    models.map((m) => m.attestation),
    batch,
  ))
    await run(graph, 'UNWIND $rows AS d MATCH (a:Attestation {digest: d}) DETACH DELETE a', { rows });
  for (const rows of batches(
    models.map((m) => m.digest),
    batch,
  ))
    await run(graph, 'UNWIND $rows AS d MATCH (m:Artifact {digest: d}) DETACH DELETE m', { rows });
  await run(graph, 'MATCH (k:Key {fingerprint: $fingerprint}) DETACH DELETE k', { fingerprint: lineage.keyFingerprint });
}
