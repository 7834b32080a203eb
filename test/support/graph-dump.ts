// A canonical dump of the lineage graph, for tests that compare whole graphs (arrival orders, a repaired graph against
// a freshly written one): every node with its kind, every lineage, ATTESTS and SIGNED_BY edge with its properties and
// sorted evidence, as sorted lines.
import type { GraphConnection } from '../../src/graph/index.ts';
import { LINEAGE_TYPES } from '../../src/graph/index.ts';

const KIND = `CASE WHEN n:Model THEN 'MODEL' WHEN n:Dataset THEN 'DATASET' WHEN n:File THEN 'FILE' WHEN n:Package THEN 'PACKAGE'
  WHEN n:PipelineRun THEN 'RUN' WHEN n:Builder THEN 'BUILDER' WHEN n:Attestation THEN 'ATTESTATION:' + n.status ELSE 'ARTIFACT' END`;
const KEY = (n: string): string => `coalesce(${n}.digest, ${n}.purl, ${n}.id, ${n}.fingerprint)`;

/**
 * Every node with its kind and every edge with its properties and evidence, as sorted lines; `bookkeeping: false`
 * leaves out which attestations inferred an edge (a repaired graph does not know it of edges written as explicit).
 */
export async function canonicalDump(graph: GraphConnection, options: { bookkeeping?: boolean } = {}): Promise<string[]> {
  const nodes = await graph.driver.executeQuery(
    `MATCH (n) WHERE n:Artifact OR n:Package OR n:PipelineRun OR n:Builder OR n:Attestation OR n:Key
     RETURN ${KIND} AS kind, ${KEY('n')} AS key, n.omsSigned AS oms, n.runKind AS runKind`,
    {},
    { database: graph.database },
  );
  const edges = await graph.driver.executeQuery(
    `MATCH (a)-[r]->(b) WHERE type(r) IN $types
     RETURN type(r) AS type, ${KEY('a')} AS from, ${KEY('b')} AS to, r.how AS how, r.role AS role, r.path AS path,
            r.result AS result, coalesce(r.evidence, []) AS evidence, coalesce(r.inferredBy, []) AS inferredBy`,
    { types: [...LINEAGE_TYPES, 'ATTESTS', 'SIGNED_BY'] },
    { database: graph.database },
  );
  const lines = [
    ...nodes.records.map((r) => `node ${r.get('kind')} ${r.get('key')} oms=${r.get('oms')} run=${r.get('runKind')}`),
    ...edges.records.map(
      (r) =>
        `edge ${r.get('type')} ${r.get('from')} -> ${r.get('to')} how=${r.get('how')} role=${r.get('role')} ` +
        `path=${r.get('path')} result=${r.get('result')} evidence=${[...(r.get('evidence') as string[])].sort().join(',')}` +
        (options.bookkeeping === false ? '' : ` inferredBy=${[...(r.get('inferredBy') as string[])].sort().join(',')}`),
    ),
  ];
  return lines.sort();
}
