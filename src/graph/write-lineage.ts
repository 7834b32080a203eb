// Lineage writes inside the attestation's transaction: packages, runs, builders, descriptive
// properties and typed edges, each edge carrying the attestation digest as evidence.
// Labels, keys and relationship types come from the closed maps below, never from input.
import type { ManagedTransaction } from 'neo4j-driver';
import type { AttestationFacts, EdgeFact, EdgeType, NodeRef } from './facts.ts';

const NODE: Record<NodeRef['kind'], { label: string; key: string }> = {
  artifact: { label: 'Artifact', key: 'digest' },
  package: { label: 'Package', key: 'purl' },
  run: { label: 'PipelineRun', key: 'id' },
  builder: { label: 'Builder', key: 'id' },
};

export const ADD_EVIDENCE = (r: string): string =>
  `${r}.evidence = CASE WHEN $attestation IN coalesce(${r}.evidence, []) THEN ${r}.evidence ELSE coalesce(${r}.evidence, []) + $attestation END`;

function nodeKey(ref: NodeRef): string {
  switch (ref.kind) {
    case 'artifact':
      return ref.digest;
    case 'package':
      return ref.purl;
    case 'run':
    case 'builder':
      return ref.id;
  }
}

export async function writeLineage(tx: ManagedTransaction, attestation: string, facts: AttestationFacts): Promise<void> {
  const packages = facts.packages ?? [];
  if (packages.length > 0) {
    await tx.run(
      `UNWIND $rows AS row
       MERGE (p:Package {purl: row.purl})
       SET p.name = coalesce(row.name, p.name), p.version = coalesce(row.version, p.version),
           p.digests = reduce(acc = coalesce(p.digests, []), d IN row.digests | CASE WHEN d IN acc THEN acc ELSE acc + d END)`,
      { rows: [...packages].sort((a, b) => a.purl.localeCompare(b.purl)).map((p) => ({ ...p, digests: [...p.digests] })) },
    );
  }
  const runs = facts.runs ?? [];
  if (runs.length > 0) {
    await tx.run(
      `UNWIND $rows AS row
       MERGE (b:Builder {id: row.builder})
       MERGE (r:PipelineRun {id: row.id})
       SET r.runKind = row.runKind, r.buildType = row.buildType, r.startedOn = row.startedOn,
           r.finishedOn = row.finishedOn, r.externalParameters = row.externalParameters`,
      { rows: runs },
    );
  }
  const properties = facts.properties ?? [];
  if (properties.length > 0) {
    await tx.run(
      `UNWIND $rows AS row
       MATCH (n:Artifact {digest: row.digest})
       SET n += row.properties`,
      { rows: properties },
    );
  }
  for (const [shape, edges] of groupEdges(facts.edges ?? [])) {
    const [type, fromKind, toKind] = shape.split('|') as [EdgeType, NodeRef['kind'], NodeRef['kind']];
    const from = NODE[fromKind];
    const to = NODE[toKind];
    await tx.run(
      `UNWIND $rows AS row
       MATCH (a:${from.label} {${from.key}: row.from})
       MATCH (b:${to.label} {${to.key}: row.to})
       MERGE (a)-[r:${type}]->(b)
       SET r += row.props, ${ADD_EVIDENCE('r')}`,
      {
        attestation,
        rows: edges.map((edge) => ({ from: nodeKey(edge.from), to: nodeKey(edge.to), props: edge.props })),
      },
    );
  }
  const inferred = facts.inferred ?? [];
  if (inferred.length > 0) {
    // Role from what the graph already knows of the dependency (docs/LINEAGE.md, "Roles").
    await tx.run(
      `UNWIND $rows AS row
       MATCH (s:Artifact {digest: row.from})
       MATCH (d:Artifact {digest: row.to})
       FOREACH (_ IN CASE WHEN d:Model THEN [1] ELSE [] END |
         MERGE (s)-[r:DERIVED_FROM]->(d) SET r.how = row.how, ${ADD_EVIDENCE('r')})
       FOREACH (_ IN CASE WHEN d:Dataset AND NOT d:Model THEN [1] ELSE [] END |
         MERGE (s)-[r:TRAINED_ON]->(d) SET ${ADD_EVIDENCE('r')})
       FOREACH (_ IN CASE WHEN NOT d:Model AND NOT d:Dataset THEN [1] ELSE [] END |
         MERGE (s)-[r:USED]->(d) SET r.role = 'input', ${ADD_EVIDENCE('r')})`,
      { attestation, rows: inferred },
    );
  }
}

function groupEdges(edges: readonly EdgeFact[]): Map<string, EdgeFact[]> {
  const groups = new Map<string, EdgeFact[]>();
  for (const edge of edges) {
    const shape = `${edge.type}|${edge.from.kind}|${edge.to.kind}`;
    const list = groups.get(shape) ?? [];
    list.push(edge);
    groups.set(shape, list);
  }
  return groups;
}
