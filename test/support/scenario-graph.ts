// Read-only checks of a lineage scenario (test/support/scenario.ts) directly in Neo4j: every expected
// node with exactly its labels, every expected edge exactly once with exactly its evidence, nothing
// else leaving the scenario's nodes, each card's DESCRIBES edges with exactly its fields, rejected
// documents linked to nothing, and what only they claim absent.
//
// Neo4j is shared and keeps its data between runs, and the committed fixtures may have been signed
// again since an earlier run (ECDSA signatures are randomised): an evidence digest that is not one of
// the scenario's documents is accepted only when it is a verified attestation of the very same
// statement (same DSSE payload) as a document that asserts the edge.
import neo4j, { type Driver } from 'neo4j-driver';
import type { Expected, ExpectedNode, NodeLabel, NodeMatch } from './scenario.ts';

const KEYS: Record<NodeLabel, string> = {
  Artifact: 'digest',
  Package: 'purl',
  PipelineRun: 'id',
  Builder: 'id',
  Key: 'fingerprint',
};
const OWNED_EDGE_TYPES = [
  'CONTAINS',
  'DERIVED_FROM',
  'TRAINED_ON',
  'BUILT_WITH',
  'PRODUCED_BY',
  'RAN_ON',
  'EVALUATED_ON',
  'USED',
];

export function openGraph(uri: string): Driver {
  const { NEO4J_USER, NEO4J_PASSWORD } = process.env;
  return neo4j.driver(uri, NEO4J_USER ? neo4j.auth.basic(NEO4J_USER, NEO4J_PASSWORD ?? '') : undefined);
}

export async function read(driver: Driver, cypher: string, params: Record<string, unknown> = {}): Promise<Record<string, any>[]> {
  const result = await driver.executeQuery(cypher, params, {
    routing: neo4j.routing.READ,
    database: process.env['NEO4J_DATABASE'] ?? 'neo4j',
  });
  return result.records.map((record) => plain(record.toObject()) as Record<string, any>);
}

/** Driver values → plain JSON values (integers as numbers, temporals as ISO text). */
function plain(value: unknown): unknown {
  if (neo4j.isInt(value)) return value.toNumber();
  if (neo4j.isDateTime(value) || neo4j.isDate(value) || neo4j.isLocalDateTime(value)) return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** `(n:Label {key: $param})`; label and key come from the closed map above, never from the document. */
function pattern(variable: string, match: NodeMatch, param: string): string {
  const key = KEYS[match.label];
  if (!key || key !== match.key) throw new Error(`unknown node identity ${match.label}.${match.key}`);
  return `(${variable}:${match.label} {${key}: $${param}})`;
}

/** The DSSE payload (base64) of a bundle or a bare envelope: the signed statement. */
export function payloadOf(document: string): string | null {
  try {
    const json = JSON.parse(document);
    return (json.dsseEnvelope ?? json).payload ?? null;
  } catch {
    return null;
  }
}

/** Every difference between the graph and `expected`, as readable lines (empty when the graph is right). */
export async function scenarioProblems(
  driver: Driver,
  expected: Expected,
  bodies: ReadonlyMap<string, string>,
): Promise<string[]> {
  const problems: string[] = [];
  const nodes = new Map(expected.nodes.map((n) => [n.id, n]));
  const nodeOf = (id: string): ExpectedNode => {
    const node = nodes.get(id);
    if (!node) throw new Error(`expected.json names an unknown node ${id}`);
    return node;
  };
  const documents = new Map(expected.documents.map((d) => [d.name, d]));
  const identity = (label: string, value: unknown): string => `${label}|${String(value)}`;
  const idByIdentity = new Map(expected.nodes.map((n) => [identity(n.label, n.value), n.id]));

  for (const node of expected.nodes) {
    const rows = await read(driver, `MATCH ${pattern('n', node, 'value')} RETURN labels(n) AS labels, properties(n) AS props`, {
      value: node.value,
    });
    if (rows.length !== 1) {
      problems.push(`node ${node.id}: ${rows.length} nodes ${node.label} {${node.key}: ${node.value}}`);
      continue;
    }
    const [{ labels, props }] = rows as [{ labels: string[]; props: Record<string, unknown> }];
    if (JSON.stringify([...labels].sort()) !== JSON.stringify(node.labels))
      problems.push(`node ${node.id}: labels ${labels}, expected ${node.labels}`);
    for (const [key, value] of Object.entries(node.properties)) {
      if (props[key] !== value)
        problems.push(`node ${node.id}: ${key} = ${JSON.stringify(props[key])}, expected ${JSON.stringify(value)}`);
    }
    for (const [key, values] of Object.entries(node.includes ?? {})) {
      const have = Array.isArray(props[key]) ? (props[key] as unknown[]) : [];
      for (const value of values) if (!have.includes(value)) problems.push(`node ${node.id}: ${key} lacks ${value}`);
    }
  }

  const strangers = new Map<string, { edge: string; payloads: Set<string | null> }>();
  for (const edge of expected.edges) {
    const from = nodeOf(edge.from);
    const to = nodeOf(edge.to);
    const name = `${edge.from} -[${edge.type}${edge.props['path'] ? ` ${edge.props['path']}` : ''}]-> ${edge.to}`;
    const rows = await read(
      driver,
      `MATCH ${pattern('a', from, 'from')}-[r:${edge.type}]->${pattern('b', to, 'to')}
       WHERE $path IS NULL OR r.path = $path
       RETURN properties(r) AS props`,
      { from: from.value, to: to.value, path: edge.props['path'] ?? null },
    );
    if (rows.length !== 1) {
      problems.push(`edge ${name}: found ${rows.length}`);
      continue;
    }
    const props = rows[0]?.['props'] as Record<string, unknown>;
    for (const [key, value] of Object.entries(edge.props)) {
      if (props[key] !== value)
        problems.push(`edge ${name}: ${key} = ${JSON.stringify(props[key])}, expected ${JSON.stringify(value)}`);
    }
    const evidence = new Set((props['evidence'] as string[] | undefined) ?? []);
    const wanted = edge.assertedBy.map((doc) => documents.get(doc)?.digest ?? `(unknown document ${doc})`);
    for (const digest of wanted) if (!evidence.has(digest)) problems.push(`edge ${name}: evidence lacks ${digest}`);
    if ((props['evidence'] as string[]).length !== evidence.size)
      problems.push(`edge ${name}: duplicate evidence ${[...evidence]}`);
    for (const digest of evidence) {
      if (wanted.includes(digest)) continue;
      strangers.set(`${name}|${digest}`, {
        edge: name,
        payloads: new Set(edge.assertedBy.map((doc) => payloadOf(bodies.get(doc) ?? ''))),
      });
    }
  }
  if (strangers.size > 0) {
    const digests = [...new Set([...strangers.keys()].map((k) => k.slice(k.lastIndexOf('|') + 1)))];
    const rows = await read(
      driver,
      'MATCH (a:Attestation) WHERE a.digest IN $digests RETURN a.digest AS digest, a.status AS status, a.document AS document',
      {
        digests,
      },
    );
    const known = new Map(rows.map((row) => [row['digest'] as string, row]));
    for (const [key, { edge, payloads }] of strangers) {
      const digest = key.slice(key.lastIndexOf('|') + 1);
      const row = known.get(digest);
      const sameStatement = row?.['status'] === 'verified' && payloads.has(payloadOf(String(row['document'])));
      if (!sameStatement) problems.push(`edge ${edge}: evidence ${digest} is not a document asserting it`);
    }
  }

  // Nothing but the expected edges leaves the scenario's artifacts and runs.
  const owners = expected.nodes.filter((n) => n.label === 'Artifact' || n.label === 'PipelineRun');
  const rows = await read(
    driver,
    `MATCH (a) WHERE (a:Artifact AND a.digest IN $digests) OR (a:PipelineRun AND a.id IN $runs)
     MATCH (a)-[r]->(b) WHERE type(r) IN $types
     RETURN CASE WHEN a:Artifact THEN 'Artifact' ELSE 'PipelineRun' END AS fromLabel, coalesce(a.digest, a.id) AS from,
            type(r) AS type, r.path AS path, [l IN labels(b) WHERE l IN $labels][0] AS toLabel,
            coalesce(b.digest, b.purl, b.id, b.fingerprint) AS to`,
    {
      digests: owners.filter((n) => n.label === 'Artifact').map((n) => n.value),
      runs: owners.filter((n) => n.label === 'PipelineRun').map((n) => n.value),
      types: OWNED_EDGE_TYPES,
      labels: Object.keys(KEYS),
    },
  );
  const wantedEdges = new Set(expected.edges.map((e) => `${e.type}|${e.from}|${e.to}|${e.props['path'] ?? ''}`));
  const seen = new Map<string, number>();
  for (const row of rows) {
    const from = idByIdentity.get(identity(row['fromLabel'], row['from'])) ?? `?${row['from']}`;
    const to = idByIdentity.get(identity(row['toLabel'], row['to'])) ?? `${row['toLabel']} ${row['to']} (not in the scenario)`;
    const key = `${row['type']}|${from}|${to}|${row['path'] ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (!wantedEdges.has(key)) problems.push(`unexpected edge ${from} -[${row['type']}]-> ${to}`);
  }
  for (const [key, count] of seen) if (count > 1) problems.push(`edge ${key} exists ${count} times`);

  for (const doc of expected.documents) {
    const [att] = await read(
      driver,
      `MATCH (a:Attestation {digest: $digest})
       OPTIONAL MATCH (a)-[r:ATTESTS|SIGNED_BY]->(x)
       RETURN a.status AS status, a.reasonCode AS reasonCode,
              [p IN collect([type(r), coalesce(x.digest, x.fingerprint, x.key)]) WHERE p[0] IS NOT NULL] AS links`,
      { digest: doc.digest },
    );
    if (!att) {
      problems.push(`document ${doc.name}: no Attestation ${doc.digest}`);
      continue;
    }
    if (att['status'] !== doc.state.toLowerCase() || att['reasonCode'] !== doc.reasonCode) {
      problems.push(
        `document ${doc.name}: ${att['status']} ${att['reasonCode']}, expected ${doc.state.toLowerCase()} ${doc.reasonCode}`,
      );
    }
    const links = (att['links'] as [string, string][]).map(([type, key]) => `${type} ${key}`).sort();
    const wanted = [
      ...doc.attests.map((id) => `ATTESTS ${nodeOf(id).value}`),
      ...(doc.signedBy ? [`SIGNED_BY ${nodeOf(doc.signedBy).value}`] : []),
    ].sort();
    if (JSON.stringify(links) !== JSON.stringify(wanted))
      problems.push(`document ${doc.name}: links ${links}, expected ${wanted}`);
    // A card's fields are on its DESCRIBES edges, one per described artifact, exactly as the card gave them.
    const described = await read(
      driver,
      `MATCH (:Attestation {digest: $digest})-[r:DESCRIBES]->(x) RETURN x.digest AS digest, properties(r) AS props ORDER BY digest`,
      { digest: doc.digest },
    );
    const cards = (rows: readonly { digest: string; props: Record<string, unknown> }[]): string =>
      JSON.stringify(rows.map((row) => [row.digest, sortedKeys(row.props)]));
    const have = cards(described.map((row) => ({ digest: String(row['digest']), props: row['props'] })));
    const want = cards(
      doc.describes
        .map((card) => ({ digest: nodeOf(card.node).value, props: card.props }))
        .sort((a, b) => (a.digest < b.digest ? -1 : 1)),
    );
    if (have !== want) problems.push(`document ${doc.name}: DESCRIBES ${have}, expected ${want}`);
  }

  for (const fact of expected.absent) {
    if (fact.node) {
      const [row] = await read(driver, `MATCH ${pattern('n', fact.node, 'value')} RETURN count(n) AS n`, {
        value: fact.node.value,
      });
      if (row?.['n'] !== 0) problems.push(`${fact.claimedBy} created ${fact.node.label} ${fact.node.value}`);
    }
    if (fact.edge) {
      const [row] = await read(
        driver,
        `OPTIONAL MATCH ${pattern('a', fact.edge.from, 'from')}-[r:${fact.edge.type}]->${pattern('b', fact.edge.to, 'to')} RETURN count(r) AS n`,
        { from: fact.edge.from.value, to: fact.edge.to.value },
      );
      if (row?.['n'] !== 0)
        problems.push(`${fact.claimedBy} linked ${fact.edge.from.value} -[${fact.edge.type}]-> ${fact.edge.to.value}`);
    }
  }
  return problems;
}

/** Everything about the scenario's nodes a resubmission could change: labels, properties, outgoing edges. */
export async function scenarioSnapshot(driver: Driver, expected: Expected): Promise<Record<string, any>[]> {
  return read(
    driver,
    `MATCH (n) WHERE (n:Artifact AND n.digest IN $digests) OR (n:PipelineRun AND n.id IN $runs)
                  OR (n:Attestation AND n.digest IN $documents)
     OPTIONAL MATCH (n)-[r]->(m)
     WITH n, r, m ORDER BY type(r), coalesce(m.digest, m.purl, m.id, m.fingerprint, m.key), r.path
     WITH n, [x IN collect([type(r), coalesce(m.digest, m.purl, m.id, m.fingerprint, m.key), properties(r)]) WHERE x[0] IS NOT NULL] AS out
     RETURN labels(n) AS labels, properties(n) AS props, out, COUNT { (n)<--() } AS incoming
     ORDER BY coalesce(n.digest, n.id)`,
    {
      digests: expected.nodes.filter((n) => n.label === 'Artifact').map((n) => n.value),
      runs: expected.nodes.filter((n) => n.label === 'PipelineRun').map((n) => n.value),
      documents: expected.documents.map((d) => d.digest),
    },
  );
}

function sortedKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
}
