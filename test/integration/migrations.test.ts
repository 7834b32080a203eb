// Migrations on the real Neo4j: applied once, recorded, safe when two processes start together, and an edited
// migration that was already applied is refused.
//
// "Two processes" means two OS processes (test/support/migrate-process.ts, as the API and a worker each migrate at
// start) released at the same moment against a fresh database with every migration pending: Community Edition has
// one user database and the suite's is migrated already, so those tests start a Neo4j of their own
// (test/support/private-neo4j.ts). A test-only migration writes a probe node with CREATE, so running it twice would
// show as two nodes, not only as a second record refused by the version constraint.
//
// Mutation check (by hand, reverted): with the lock removed (holdLock in src/graph/migrate.ts returning at once), both processes apply every migration: one of them fails recording the first version (the constraint on
// SchemaMigration.version), and the probe migration runs in both (two probe nodes).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, appendFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyMigrations, connectGraph, GraphError, readMigrations, type GraphConnection } from '../../src/graph/index.ts';
import { MIGRATIONS_DIR } from '../../src/main.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { privateNeo4j, type PrivateNeo4j } from '../support/private-neo4j.ts';
import { integrationEnv } from '../support/service.ts';

interface Outcome {
  readonly code: number | null;
  readonly report?: { applied: string[]; alreadyApplied: string[] };
  readonly error?: string;
  readonly stderr: string;
}

/** Starts a migrating process; it connects, says ready, and waits for `go()`. */
function migrator(uri: string, dir: string): { ready: Promise<void>; go(): void; kill(): void; done: Promise<Outcome> } {
  const args = [path.join(REPO_ROOT, 'test/support/migrate-process.ts'), dir];
  const child = spawn(process.execPath, args, { env: { ...process.env, NEO4J_URI: uri }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) signalReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Outcome>((resolve) =>
    child.once('exit', (code) => {
      signalReady();
      const last = stdout.trim().split('\n').pop() ?? '';
      const parsed = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : {};
      resolve({
        code,
        ...('applied' in parsed ? { report: parsed as unknown as Outcome['report'] } : {}),
        ...(typeof parsed['error'] === 'string' ? { error: parsed['error'] } : {}),
        stderr,
      } as Outcome);
    }),
  );
  return { ready, go: () => child.stdin.end('go\n'), kill: () => child.kill('SIGKILL'), done };
}

/** Two processes released together; both must finish without error. */
async function twoProcesses(uri: string, dir: string): Promise<[Outcome, Outcome]> {
  const both = [migrator(uri, dir), migrator(uri, dir)] as const;
  await Promise.all(both.map((m) => m.ready));
  for (const m of both) m.go();
  const outcomes = (await Promise.all(both.map((m) => m.done))) as [Outcome, Outcome];
  for (const o of outcomes) assert.equal(o.code, 0, `a migrating process failed: ${o.error ?? ''} ${o.stderr}`);
  return outcomes;
}

async function count(graph: GraphConnection, cypher: string, params: Record<string, unknown> = {}): Promise<number> {
  const { records } = await graph.driver.executeQuery(cypher, params, { database: graph.database });
  return Number(records[0]?.get('n'));
}

describe('migrations from two processes on a fresh database', () => {
  let neo4j: PrivateNeo4j | undefined;
  let graph: GraphConnection;
  let dir: string;

  before(async () => {
    neo4j = await privateNeo4j('migrations');
    await neo4j.start();
    graph = connectGraph({ uri: neo4j.uri, database: 'neo4j' });
    dir = await mkdtemp(path.join(tmpdir(), 'mpg-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    // pending like the real ones, and slow enough (a second or more) that the two processes overlap inside it
    await writeFile(
      path.join(dir, '900_two_process_probe.cypher'),
      'UNWIND range(1, 30000000) AS i WITH i WHERE i % 7919 = 13 WITH count(*) AS n CREATE (:MigrationProbe {version: 900, n: n});\n',
    );
  });
  after(async () => {
    await graph?.driver.close();
    await neo4j?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('each pending migration is applied by exactly one of them, recorded once, its effect written once', async () => {
    assert.ok(neo4j);
    const all = (await readMigrations(dir)).map((m) => m.name);
    assert.equal(
      await count(graph, 'MATCH (m:SchemaMigration) RETURN count(m) AS n'),
      0,
      'a fresh database: every migration pending',
    );

    const [first, second] = await twoProcesses(neo4j.uri, dir);
    const a = first.report as NonNullable<Outcome['report']>;
    const b = second.report as NonNullable<Outcome['report']>;
    for (const report of [a, b]) assert.deepEqual([...report.applied, ...report.alreadyApplied].sort(), all);
    assert.deepEqual([...a.applied, ...b.applied].sort(), all, 'every migration applied, by one process or the other');
    assert.equal(a.applied.filter((name) => b.applied.includes(name)).length, 0, 'none applied by both');

    assert.equal(await count(graph, 'MATCH (m:SchemaMigration) RETURN count(m) AS n'), all.length);
    assert.equal(await count(graph, 'MATCH (m:SchemaMigration) RETURN count(DISTINCT m.version) AS n'), all.length);
    assert.equal(await count(graph, 'MATCH (p:MigrationProbe {version: 900}) RETURN count(p) AS n'), 1, 'the probe ran once');
    const { records } = await graph.driver.executeQuery(
      'SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names',
      {},
      {
        database: 'neo4j',
      },
    );
    const names = records[0]?.get('names') as string[];
    for (const name of ['artifact_digest', 'attestation_digest', 'key_fingerprint', 'identity_key'])
      assert.ok(names.includes(name), name);
    // and a later start has nothing left to do
    assert.deepEqual((await applyMigrations(graph, dir)).applied, []);
  });

  it('a process killed while it migrates releases the lock: the next one applies what it left', async () => {
    assert.ok(neo4j);
    const uri = neo4j.uri;
    await writeFile(
      path.join(dir, '901_slow_test.cypher'),
      'UNWIND range(1, 60000000) AS i WITH i WHERE i % 7919 = 13 WITH count(*) AS n MERGE (p:MigrationProbe {version: 901}) SET p.n = n;\n',
    );
    const first = migrator(uri, dir);
    await first.ready;
    first.go();
    // Killed once its slow statement runs, that is while it holds the lock (the needle is a parameter, so this
    // query does not find itself).
    const deadline = Date.now() + 60_000;
    while (
      (await count(graph, 'SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $needle RETURN count(*) AS n', {
        needle: ['60000000', 'AS i'].join(') '),
      })) === 0
    ) {
      assert.ok(Date.now() < deadline, 'the first process never started the slow migration');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.kill();
    assert.equal((await first.done).code, null, 'killed by the signal');

    const second = migrator(uri, dir);
    await second.ready;
    const started = Date.now();
    second.go();
    const outcome = await second.done;
    assert.equal(outcome.code, 0, `${outcome.error ?? ''} ${outcome.stderr}`);
    assert.deepEqual(outcome.report?.applied, ['901_slow_test.cypher']);
    assert.ok(Date.now() - started < 60_000, 'the lock was released with the dead process, not after a timeout');
    assert.equal(await count(graph, 'MATCH (m:SchemaMigration {version: 901}) RETURN count(m) AS n'), 1);
    assert.equal(await count(graph, 'MATCH (p:MigrationProbe {version: 901}) RETURN count(p) AS n'), 1);
  });
});

describe('migrations on the suite database', () => {
  const graph = connectGraph({ uri: integrationEnv().NEO4J_URI, database: 'neo4j' });
  after(() => graph.driver.close());

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
