// Migrations on the real Neo4j: applied once, recorded, safe when two processes start together,
// and an edited migration that was already applied is refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { applyMigrations, connectGraph, GraphError, readMigrations } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { integrationEnv } from '../support/service.ts';

describe('migrations', () => {
  const graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
  after(() => graph.driver.close());

  it('apply concurrently from two processes without error, each version recorded once', async () => {
    const [first, second] = await Promise.all([applyMigrations(graph, MIGRATIONS_DIR), applyMigrations(graph, MIGRATIONS_DIR)]);
    const all = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
    for (const report of [first, second]) {
      assert.deepEqual([...report.applied, ...report.alreadyApplied].sort(), all);
    }
    // Whatever was pending was applied by exactly one of the two.
    assert.equal(first.applied.filter((name) => second.applied.includes(name)).length, 0);
    const { records } = await graph.driver.executeQuery(
      'MATCH (m:SchemaMigration) RETURN m.version AS version, count(*) AS n',
      {},
      { database: 'neo4j' },
    );
    for (const record of records) assert.equal(Number(record.get('n')), 1);
    const constraints = await graph.driver.executeQuery(
      'SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names',
      {},
      { database: 'neo4j' },
    );
    const names = constraints.records[0]?.get('names') as string[];
    for (const name of ['artifact_digest', 'attestation_digest', 'key_fingerprint', 'identity_key'])
      assert.ok(names.includes(name), name);
  });

  it('keeps its lease through a migration longer than the lease, so a second process waits instead of re-running it', async () => {
    await applyMigrations(graph, MIGRATIONS_DIR);
    const dir = await mkdtemp(path.join(tmpdir(), 'mpg-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    // Takes a second or more on the dev server, several times the 300 ms lease below; writes nothing.
    await writeFile(
      path.join(dir, '999_slow_test.cypher'),
      'UNWIND range(1, 30000000) AS i WITH i WHERE i % 7919 = 13 RETURN count(*) AS n;\n',
    );
    try {
      const started = Date.now();
      const [first, second] = await Promise.all([
        applyMigrations(graph, dir, 60_000, 300),
        applyMigrations(graph, dir, 60_000, 300),
      ]);
      assert.ok(Date.now() - started > 900, `the slow migration took ${Date.now() - started} ms: too fast to outlast the lease`);
      const runs = [first, second].filter((report) => report.applied.includes('999_slow_test.cypher'));
      assert.equal(runs.length, 1, 'applied by exactly one process');
    } finally {
      await graph.driver.executeQuery('MATCH (m:SchemaMigration {version: 999}) DELETE m', {}, { database: 'neo4j' });
    }
  });

  it('refuses a migration edited after it was applied', async () => {
    await applyMigrations(graph, MIGRATIONS_DIR);
    const dir = await mkdtemp(path.join(tmpdir(), 'mpg-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await appendFile(path.join(dir, '001_identity_constraints.cypher'), '\n// edited\n');
    await assert.rejects(
      applyMigrations(graph, dir),
      (error: unknown) => error instanceof GraphError && error.code === 'MIGRATION_FAILED',
    );
  });

  it('003 takes the card fields earlier versions copied onto artifact nodes off them, and keeps the name', async () => {
    const migration = (await readMigrations(MIGRATIONS_DIR)).find((m) => m.version === 3);
    assert.ok(migration);
    const digest = `sha256:${randomUUID()}`;
    await graph.driver.executeQuery(
      `CREATE (:Artifact:Dataset {digest: $digest, name: 'corpus', omsSigned: true, ownCard: true, version: '1',
         license: 'MIT', sourceUrl: 'https://data.example.com', datasetType: 'text', sensitiveData: 'emails', modelCard: '{}'})`,
      { digest },
      { database: 'neo4j' },
    );
    try {
      // Applied already (at the first start): its statements again, as after a crash before its record.
      const session = graph.driver.session({ database: 'neo4j' });
      try {
        for (const statement of migration.statements) await session.run(statement);
      } finally {
        await session.close();
      }
      const { records } = await graph.driver.executeQuery(
        'MATCH (n:Artifact {digest: $digest}) RETURN properties(n) AS props',
        { digest },
        { database: 'neo4j' },
      );
      assert.deepEqual(records[0]?.get('props'), { digest, name: 'corpus', omsSigned: true });
    } finally {
      await graph.driver.executeQuery('MATCH (n:Artifact {digest: $digest}) DETACH DELETE n', { digest }, { database: 'neo4j' });
    }
  });
});
