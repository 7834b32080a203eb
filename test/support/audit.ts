// After a load, crash or outage: does the graph hold a corpus exactly once? Every document one VERIFIED
// Attestation node with one SIGNED_BY link, each node once, and exactly the expected edges — no edge twice,
// none missing, each with its evidence complete and free of duplicates. Reads only the corpus's own nodes.
import assert from 'node:assert/strict';
import type { GraphConnection } from '../../src/graph/index.ts';
import type { Corpus, ExpectedEdge } from './corpus.ts';

export interface AuditReport {
  readonly attestations: number;
  /** documents with no Attestation node. */
  readonly missing: readonly string[];
  /** documents with more than one Attestation node. */
  readonly duplicated: readonly string[];
  /** documents whose node is not VERIFIED, or does not have exactly one signer link: `id status signers`. */
  readonly wrong: readonly string[];
  /** identity keys held by more than one node. */
  readonly duplicateNodes: readonly string[];
  /** edges whose evidence names an attestation twice. */
  readonly duplicateEvidence: readonly string[];
  /** expected edges (with their exact evidence) not found, and edges found that were not expected (or found twice). */
  readonly missingEdges: readonly string[];
  readonly unexpectedEdges: readonly string[];
}

const IDENTITY: Record<string, { label: string; key: string }> = {
  artifact: { label: 'Artifact', key: 'digest' },
  attestation: { label: 'Attestation', key: 'digest' },
  run: { label: 'PipelineRun', key: 'id' },
  builder: { label: 'Builder', key: 'id' },
  package: { label: 'Package', key: 'purl' },
};

function kindOf(key: string, attestations: ReadonlySet<string>): keyof typeof IDENTITY {
  if (attestations.has(key)) return 'attestation';
  if (key.startsWith('sha256:')) return 'artifact';
  if (key.startsWith('pkg:')) return 'package';
  if (key.startsWith('https://')) return 'builder';
  return 'run';
}

const edgeText = (e: ExpectedEdge): string => `${e.from} -${e.type}-> ${e.to} [${[...e.evidence].sort().join(',')}]`;

/** Multiset difference: entries of `a` not matched one-for-one in `b`. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const left: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else left.push(x);
  }
  return left;
}

export async function auditCorpus(graph: GraphConnection, corpus: Corpus): Promise<AuditReport> {
  const q = async (cypher: string, params: Record<string, unknown>): Promise<Record<string, any>[]> => {
    const { records } = await graph.driver.executeQuery(cypher, params, { database: graph.database, routing: 'READ' });
    return records.map((r) => r.toObject());
  };
  const ids = corpus.documents.map((d) => d.id);
  const idSet = new Set(ids);

  const rows = await q(
    `UNWIND $ids AS id
     OPTIONAL MATCH (a:Attestation {digest: id})
     OPTIONAL MATCH (a)-[s:SIGNED_BY]->()
     WITH id, a, count(s) AS signers
     RETURN id, collect(a.status) AS statuses, collect(signers) AS signers`,
    { ids },
  );
  const missing: string[] = [];
  const duplicated: string[] = [];
  const wrong: string[] = [];
  for (const row of rows) {
    const statuses = row['statuses'] as string[];
    const signers = (row['signers'] as { toNumber(): number }[]).map((n) => n.toNumber());
    if (statuses.length === 0) missing.push(row['id']);
    else if (statuses.length > 1) duplicated.push(row['id']);
    else if (statuses[0] !== 'verified' || signers[0] !== 1) wrong.push(`${row['id']} ${statuses[0]} ${signers[0]}`);
  }

  // Every node the expected edges touch, looked up by its identity key: more than one is a duplicate.
  const byKind = new Map<string, Set<string>>();
  for (const edge of corpus.expectedEdges) {
    for (const key of [edge.from, edge.to]) {
      const kind = kindOf(key, idSet);
      byKind.set(kind, (byKind.get(kind) ?? new Set()).add(key));
    }
  }
  const duplicateNodes: string[] = [];
  for (const [kind, keys] of byKind) {
    const { label, key } = IDENTITY[kind]!;
    const found = await q(`UNWIND $keys AS k MATCH (n:${label} {${key}: k}) WITH k, count(n) AS n WHERE n > 1 RETURN k`, {
      keys: [...keys],
    });
    duplicateNodes.push(...found.map((r) => `${label} ${r['k']}`));
  }

  const runs = corpus.expectedEdges.filter((e) => e.type === 'RAN_ON').map((e) => e.from);
  const edges = await q(
    `UNWIND $models AS m
     MATCH (:Artifact {digest: m})-[r]->(x)
     RETURN m AS from, type(r) + coalesce(' ' + r.path, '') AS type, coalesce(x.digest, x.id, x.purl) AS to, r.evidence AS evidence
     UNION ALL
     UNWIND $runs AS id
     MATCH (:PipelineRun {id: id})-[r]->(x)
     RETURN id AS from, type(r) AS type, coalesce(x.digest, x.id, x.purl) AS to, r.evidence AS evidence
     UNION ALL
     UNWIND $models AS m
     MATCH (a:Attestation)-[r:ATTESTS]->(:Artifact {digest: m})
     RETURN a.digest AS from, type(r) AS type, m AS to, r.evidence AS evidence`,
    { models: corpus.models, runs },
  );
  const actual = edges.map((e) =>
    edgeText({ from: e['from'], type: e['type'], to: e['to'], evidence: (e['evidence'] as string[] | null) ?? [] }),
  );
  const expected = corpus.expectedEdges.map(edgeText);
  const duplicateEvidence = edges
    .filter((e) => {
      const evidence = (e['evidence'] as string[] | null) ?? [];
      return new Set(evidence).size !== evidence.length;
    })
    .map((e) => `${e['from']} -${e['type']}-> ${e['to']}`);

  return {
    attestations: rows.length,
    missing,
    duplicated,
    wrong,
    duplicateNodes,
    duplicateEvidence,
    missingEdges: minus(expected, actual),
    unexpectedEdges: minus(actual, expected),
  };
}

/** The report with every list cut to its first few entries and a count, for assertion messages. */
export function summarize(report: AuditReport): string {
  return JSON.stringify(
    report,
    (_key, value: unknown) =>
      Array.isArray(value) && value.length > 5 ? [...value.slice(0, 5), `… ${value.length} in all`] : value,
    2,
  );
}

/** Asserts the graph holds the corpus exactly once (every list of the audit empty), with the audit as the message. */
export async function assertCorpusIntact(graph: GraphConnection, corpus: Corpus): Promise<void> {
  const report = await auditCorpus(graph, corpus);
  const message = summarize(report);
  assert.equal(report.attestations, corpus.documents.length, message);
  assert.deepEqual(report.missing, [], message);
  assert.deepEqual(report.duplicated, [], message);
  assert.deepEqual(report.wrong, [], message);
  assert.deepEqual(report.duplicateNodes, [], message);
  assert.deepEqual(report.duplicateEvidence, [], message);
  assert.deepEqual(report.missingEdges, [], message);
  assert.deepEqual(report.unexpectedEdges, [], message);
}
