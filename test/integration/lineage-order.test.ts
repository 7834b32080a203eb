// Property: the graph does not depend on the order evidence arrives in (docs/LINEAGE.md). The file-level lineage of
// test/support/file-lineage.ts (20 documents: OMS signatures, GitHub-shaped provenance naming files, evaluations, a
// forged provenance) is ingested in a fixed order, then in ORDERS random orders, each with some documents submitted
// twice and four ingestions running at once, through the worker's own pipeline (ingestDocument, and its group
// writer: documents arriving together share a transaction in the order they arrived) on a Neo4j of the test's own,
// emptied between orders. Every order must give the same canonical dump: each node with its kind, each
// edge with its properties and sorted evidence, each attestation with its status and what it ATTESTS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, closeGraph, connectGraph, type GraphConnection } from '../../src/graph/index.ts';
import { groupWriter, ingestDocument, type PipelineDeps } from '../../src/ingest/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { loadTrustPolicy, type TrustPolicy } from '../../src/verify/index.ts';
import { fileLineage } from '../support/file-lineage.ts';
import { canonicalDump } from '../support/graph-dump.ts';
import { privateNeo4j, type PrivateNeo4j } from '../support/private-neo4j.ts';
import { random, shuffle } from '../support/seeded.ts';
import { policyFileFor } from '../support/service.ts';

const ORDERS = Number(process.env['LINEAGE_ORDERS'] ?? 200);
const CONCURRENCY = 4;
const SEED = Number(process.env['LINEAGE_SEED'] ?? Date.now() % 1_000_000);

describe('lineage does not depend on arrival order', () => {
  const scenario = fileLineage();
  const meta = { origin: 'lineage-order test', collector: 'test', receivedAt: '2026-12-02T00:00:00Z' };
  let server: PrivateNeo4j;
  let graph: GraphConnection;
  let policy: TrustPolicy;

  let deps: PipelineDeps;
  const ingest = async (body: string): Promise<void> => {
    await ingestDocument(Buffer.from(body), meta, deps);
  };
  const clear = async (): Promise<void> => {
    await graph.driver.executeQuery(
      'MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:SchemaMigrationLock DETACH DELETE n',
      {},
      {
        database: graph.database,
      },
    );
  };

  before(async () => {
    server = await privateNeo4j('lineage-order');
    await server.start();
    graph = connectGraph({ uri: server.uri, database: 'neo4j' });
    await applyMigrations(graph, MIGRATIONS_DIR);
    policy = loadTrustPolicy(await policyFileFor(scenario.hub, scenario.pipeline));
    // the worker's own writer (group commit, its defaults): groups gather whatever the four ingestions bring
    deps = { graph, policy: () => policy, write: groupWriter(graph, { maxSize: 16, maxWaitMs: 5 }) };
  });
  after(async () => {
    if (graph) await closeGraph(graph);
    await server?.remove();
  });

  it(`gives one graph for ${ORDERS} random orders with duplicates and ${CONCURRENCY} at a time (seed ${SEED})`, async () => {
    assert.ok(scenario.documents.length >= 20);
    for (const document of scenario.documents) await ingest(document.body);
    const reference = await canonicalDump(graph);
    // the reference itself is the right graph: no file is a model or dataset, every root has its kind
    const kinds = new Map(reference.filter((l) => l.startsWith('node ')).map((l) => [l.split(' ')[2], l.split(' ')[1]]));
    for (const file of scenario.files) assert.equal(kinds.get(file), 'FILE', `file ${file}`);
    for (const name of scenario.models) assert.equal(kinds.get(scenario.roots[name]), 'MODEL', name);
    for (const name of scenario.datasets) assert.equal(kinds.get(scenario.roots[name]), 'DATASET', name);

    const next = random(SEED);
    for (let order = 0; order < ORDERS; order++) {
      await clear();
      const duplicates = scenario.documents.filter(() => next() < 0.15);
      const queue = shuffle([...scenario.documents, ...duplicates], next).map((d) => d.body);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let body = queue.shift(); body !== undefined; body = queue.shift()) await ingest(body);
        }),
      );
      const dump = await canonicalDump(graph);
      if (JSON.stringify(dump) !== JSON.stringify(reference)) {
        const missing = reference.filter((l) => !dump.includes(l));
        const extra = dump.filter((l) => !reference.includes(l));
        assert.fail(`order ${order} (seed ${SEED}) differs:\nmissing ${missing.join('\n  ')}\nextra ${extra.join('\n  ')}`);
      }
    }
  });
});
