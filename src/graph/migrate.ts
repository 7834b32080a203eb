// Schema migrations: numbered Cypher files applied in order, each exactly once, recorded in the
// database as (:SchemaMigration {version}). Two processes may start at once (API and worker), so
// application is serialised by a lock on a lock node; every statement is also idempotent (IF NOT
// EXISTS, or a data clean-up that only removes) so a crash between a statement and its record is
// harmless on the next run.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import type { GraphConnection } from './driver.ts';
import { GraphError, toGraphError } from './errors.ts';
import { readAll, writeStatement } from './read/query.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.cypher$/;

/** Reads `NNN_name.cypher` files; statements are separated by `;` at line ends, `//` comment lines dropped. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.cypher')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new GraphError('MIGRATION_FAILED', `migration file name ${file} is not NNN_name.cypher`);
    const text = await readFile(path.join(dir, file), 'utf8');
    const statements = text
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n')
      .split(/;\s*$/m)
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    migrations.push({
      version: Number(match[1]),
      name: file,
      statements,
      checksum: createHash('sha256').update(text).digest('hex'),
    });
  }
  const versions = new Set(migrations.map((m) => m.version));
  if (versions.size !== migrations.length) throw new GraphError('MIGRATION_FAILED', 'two migration files share a version number');
  return migrations;
}

/**
 * Applies the pending migrations while holding the migration lock. `timeoutMs` bounds the wait for another process
 * that holds it.
 */
export async function applyMigrations(graph: GraphConnection, dir: string, timeoutMs = 120_000): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  try {
    await bootstrap(graph);
    const release = await holdLock(graph, timeoutMs);
    try {
      return await applyPending(graph, migrations);
    } finally {
      await release();
    }
  } catch (error) {
    if (error instanceof GraphError) throw error;
    throw toGraphError(error, 'applying migrations');
  }
}

/** The bookkeeping constraints themselves; a concurrent creator can win the race, which is fine. */
async function bootstrap(graph: GraphConnection): Promise<void> {
  const statements = [
    'CREATE CONSTRAINT schema_migration_version IF NOT EXISTS FOR (n:SchemaMigration) REQUIRE n.version IS UNIQUE',
    'CREATE CONSTRAINT schema_migration_lock_id IF NOT EXISTS FOR (n:SchemaMigrationLock) REQUIRE n.id IS UNIQUE',
  ];
  for (const statement of statements) {
    try {
      await writeStatement(graph, statement);
    } catch (error) {
      const code = error instanceof neo4j.Neo4jError ? error.code : '';
      if (!code.startsWith('Neo.ClientError.Schema.')) throw error;
    }
  }
  await writeStatement(graph, `MERGE (:SchemaMigrationLock {id: 'schema'})`);
}

/**
 * The lock is Neo4j's own write lock on the lock node, held by a transaction left open for as long as this process
 * migrates and then rolled back. A second process blocks on the same node until it is released; if the holder dies,
 * its connection closes and Neo4j rolls the transaction back, so the lock cannot outlive its holder, and it cannot
 * lapse under a holder that is only slow (as a timed lease could on a loaded machine, letting two processes run the
 * same migration).
 */
async function holdLock(graph: GraphConnection, timeoutMs: number): Promise<() => Promise<void>> {
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.WRITE });
  const transaction = session.beginTransaction();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new GraphError('MIGRATION_FAILED', 'timed out waiting for another process to finish migrating')),
      timeoutMs,
    );
  });
  try {
    await Promise.race([transaction.run(`MATCH (l:SchemaMigrationLock {id: 'schema'}) SET l.heldSince = timestamp()`), timedOut]);
  } catch (error) {
    // Still waiting or failed: the caller closes the driver, which drops the connection and the waiting transaction.
    void session.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return async () => {
    try {
      await transaction.rollback();
    } finally {
      await session.close();
    }
  };
}

/**
 * A data migration batches its writes with `CALL {…} IN TRANSACTIONS`, which Neo4j accepts only in an auto-commit
 * transaction (`session.run`), not in the managed one `writeStatement` opens.
 */
async function runStatement(graph: GraphConnection, statement: string): Promise<void> {
  if (!/\bIN\s+TRANSACTIONS\b/i.test(statement)) {
    await writeStatement(graph, statement);
    return;
  }
  const session = graph.driver.session({ database: graph.database });
  try {
    await session.run(statement);
  } finally {
    await session.close();
  }
}

async function applyPending(graph: GraphConnection, migrations: readonly Migration[]): Promise<MigrationReport> {
  const records = await readAll(
    graph,
    'MATCH (m:SchemaMigration) RETURN m.version AS version, m.checksum AS checksum',
    {},
    'reading applied migrations',
  );
  const recorded = new Map(records.map((r) => [Number(r.get('version')), String(r.get('checksum'))]));
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  for (const migration of migrations) {
    const checksum = recorded.get(migration.version);
    if (checksum !== undefined) {
      // An edited, already-applied migration would silently diverge between databases: refuse.
      if (checksum !== migration.checksum) {
        throw new GraphError('MIGRATION_FAILED', `${migration.name} changed after it was applied; add a new migration instead`);
      }
      alreadyApplied.push(migration.name);
      continue;
    }
    // Schema statements cannot share a transaction with data writes, so each runs on its own.
    for (const statement of migration.statements) await runStatement(graph, statement);
    await writeStatement(
      graph,
      `CREATE (:SchemaMigration {version: $version, name: $name, checksum: $checksum, appliedAt: datetime()})`,
      { version: neo4j.int(migration.version), name: migration.name, checksum: migration.checksum },
    );
    applied.push(migration.name);
  }
  return { applied, alreadyApplied };
}
