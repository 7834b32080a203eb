// The query benchmark's synthetic graph is loaded in bulk (scripts/bench/synthetic-load.ts), not through ingest: a
// million nodes one transaction per attestation would take hours. This test keeps the two from drifting: a small
// graph of the same shape is loaded both ways — the benchmark's rows, and the same attestations' facts
// (scripts/bench/synthetic-facts.ts) through the graph's own write path, writeAttestation — and the two graphs,
// every node with its labels and properties and every relationship with its properties, must be the same.
//
// On the real Neo4j. The synthetic graph's keys are its own (digests of bench seeds), so this test owns them: it
// removes them before each load and after the test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { applyMigrations, connectGraph, writeAttestation, type GraphConnection } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { syntheticFacts } from '../../scripts/bench/synthetic-facts.ts';
import type { GraphSpec } from '../../scripts/bench/synthetic-graph.ts';
import { loadSteps } from '../../scripts/bench/synthetic-load.ts';
import { integrationEnv } from '../support/service.ts';

/** Small, but with every kind of node and edge: a merge, side leaves, BOMs, evaluations, a rejected attestation. */
const SPEC: GraphSpec = {
  foundations: 3,
  branchesPerFoundation: 6,
  chainLength: 4,
  rawDatasets: 12,
  pretrainingCorpora: 4,
  evalDatasets: 3,
  packages: 34,
  versionsPerPackage: 2,
  codeArtifacts: 6,
  builders: 2,
  keys: 3,
};

/** The property the write path keeps that the load leaves out: the submitted document (no query reads it back). */
/**
 * What the loader leaves out: the original documents, and the write path's own bookkeeping, which no read uses — the
 * claims a kind is computed from, where an attestation's facts were resolved to, which attestations inferred an
 * edge and with which run kind (docs/GRAPH.md). The labels, `how` and evidence computed from them are compared.
 */
const NOT_LOADED = new Set([
  'document',
  'kindClaims',
  'rootClaims',
  'subjects',
  'claimedOn',
  'resolvedTo',
  'references',
  'binds',
  'resolvedNames',
  'referencedBy',
  'inferredBy',
  'hows',
]);

const KEYS: Record<string, string> = {
  Artifact: 'digest',
  Attestation: 'digest',
  Package: 'purl',
  PipelineRun: 'id',
  Builder: 'id',
  Key: 'fingerprint',
};

/** Every key of the synthetic graph, by label, from the load's own rows. */
function keysOf(spec: GraphSpec): Record<string, string[]> {
  const keys: Record<string, Set<string>> = {};
  for (const step of loadSteps(spec)) {
    const label = /CREATE \(n:(\w+)/.exec(step.cypher)?.[1];
    if (!label) continue;
    const key = KEYS[label] as string;
    for (const row of step.rows()) (keys[label] ??= new Set()).add(String(row[key]));
  }
  return Object.fromEntries(Object.entries(keys).map(([label, set]) => [label, [...set]]));
}

const MATCH_OURS = `
  CALL () {
    MATCH (n:Artifact) WHERE n.digest IN $keys.Artifact RETURN n
    UNION MATCH (n:Attestation) WHERE n.digest IN $keys.Attestation RETURN n
    UNION MATCH (n:Package) WHERE n.purl IN $keys.Package RETURN n
    UNION MATCH (n:PipelineRun) WHERE n.id IN $keys.PipelineRun RETURN n
    UNION MATCH (n:Builder) WHERE n.id IN $keys.Builder RETURN n
    UNION MATCH (n:Key) WHERE n.fingerprint IN $keys.Key RETURN n
  }`;

async function removeOurs(graph: GraphConnection, keys: Record<string, string[]>): Promise<void> {
  await graph.driver.executeQuery(`${MATCH_OURS} DETACH DELETE n`, { keys }, { database: graph.database });
}

/** A value as compared: datetimes by kind only (each way stamps its own time), lists as sets, integers as numbers. */
function plain(value: unknown): unknown {
  if (neo4j.isDateTime(value)) return '<datetime>';
  if (neo4j.isInt(value)) return value.toNumber();
  if (Array.isArray(value)) return value.map(plain).sort();
  return value;
}

function properties(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([name]) => !NOT_LOADED.has(name))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => [name, plain(value)]),
  );
}

/** The graph as sorted text lines: one per node (labels, properties), one per relationship (ends by key). */
async function snapshot(graph: GraphConnection, keys: Record<string, string[]>): Promise<string[]> {
  const read = async (query: string) =>
    (await graph.driver.executeQuery(query, { keys }, { database: graph.database, routing: neo4j.routing.READ })).records;
  const key = (n: string): string => `coalesce(${n}.digest, ${n}.purl, ${n}.id, ${n}.fingerprint)`;
  const nodes = await read(`${MATCH_OURS} RETURN labels(n) AS labels, properties(n) AS props`);
  const relationships = await read(
    `${MATCH_OURS} MATCH (n)-[r]->(b) RETURN properties(r) AS props, type(r) AS type, ${key('n')} AS from, ${key('b')} AS to`,
  );
  const props = (record: (typeof nodes)[number]): string =>
    JSON.stringify(properties(record.get('props') as Record<string, unknown>));
  return [
    ...nodes.map((record) => `node ${[...(record.get('labels') as string[])].sort().join(':')} ${props(record)}`),
    ...relationships.map(
      (record) =>
        `rel ${String(record.get('from'))} -[${String(record.get('type'))}]-> ${String(record.get('to'))} ${props(record)}`,
    ),
  ].sort();
}

describe('the synthetic benchmark graph', () => {
  let graph: GraphConnection;
  const keys = keysOf(SPEC);

  before(async () => {
    graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: process.env['NEO4J_DATABASE'] ?? 'neo4j' });
    await applyMigrations(graph, MIGRATIONS_DIR);
    await removeOurs(graph, keys);
  });

  after(async () => {
    await removeOurs(graph, keys);
    await graph.driver.close();
  });

  it('is what the write path makes of the same attestations', async () => {
    for (const step of loadSteps(SPEC)) {
      const rows = [...step.rows()];
      if (rows.length > 0) await graph.driver.executeQuery(step.cypher, { rows }, { database: graph.database });
    }
    const loaded = await snapshot(graph, keys);
    await removeOurs(graph, keys);

    // Four at a time, as workers write: the write path converges on one graph whatever the order.
    const all = [...syntheticFacts(SPEC)];
    const queue = [...all];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let facts = queue.shift(); facts; facts = queue.shift()) await writeAttestation(graph, facts);
      }),
    );
    const written = await snapshot(graph, keys);

    assert.ok(all.length > 200 && loaded.length > 1000, `${all.length} attestations, ${loaded.length} lines`);
    const onlyLoaded = loaded.filter((line) => !written.includes(line));
    const onlyWritten = written.filter((line) => !loaded.includes(line));
    assert.deepEqual({ onlyLoaded, onlyWritten }, { onlyLoaded: [], onlyWritten: [] });
  });
});
