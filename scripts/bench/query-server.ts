// The query benchmark's own Neo4j (scripts/neo4j.sh with its own home, port and memory) and the synthetic graph in it:
// started only when the port is free or already ours, loaded once per spec (a marker node records a complete load),
// dropped and reloaded when the spec or the generator changes or `--rebuild` asks for it.

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import neo4j from 'neo4j-driver';
import { applyMigrations, type GraphConnection } from '../../src/graph/index.ts';
import { specHash, GENERATOR_VERSION, type GraphSpec } from './synthetic-graph.ts';
import { loadSteps } from './synthetic-load.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
const MIGRATIONS = path.join(REPO, 'migrations');
export const HOME_DIR = '.data/neo4j-bench';
export const DEFAULT_PORT = 7698;
export const NEO4J_ENV = {
  NEO4J_BOLT_PORT: String(DEFAULT_PORT),
  NEO4J_HOME_DIR: HOME_DIR,
  NEO4J_HEAP: '2g',
  NEO4J_PAGECACHE: '1g',
};
export const bolt = (): string => `bolt://127.0.0.1:${NEO4J_ENV.NEO4J_BOLT_PORT}`;
const BATCH = 10_000;
const MARKER = 'query-bench';

/** A run that cannot produce valid figures (no server of its own, a wrong answer): reported, exit EXIT_ABORTED. */
export class BenchAbort extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark's own Neo4j

export function neo4jScript(command: 'start' | 'stop' | 'status'): number | null {
  const result = spawnSync('bash', [path.join(REPO, 'scripts/neo4j.sh'), command], {
    cwd: REPO,
    env: { ...process.env, ...NEO4J_ENV },
    // the script logs to stderr; stdout stays free for --json
    stdio: ['ignore', command === 'status' ? 'ignore' : 2, 2],
  });
  if (command !== 'status' && result.status !== 0)
    throw new BenchAbort(`scripts/neo4j.sh ${command} failed (exit ${result.status})`);
  return result.status;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the benchmark's own server. neo4j.sh start succeeds whenever *something* listens on the port, so a server
 * that is not ours (another session's private Neo4j on the same port) is refused here: the load would write into it.
 */
export async function startOwnNeo4j(): Promise<void> {
  const port = Number(NEO4J_ENV.NEO4J_BOLT_PORT);
  if ((await portOpen(port)) && neo4jScript('status') !== 0)
    throw new BenchAbort(`port ${port} is taken by a server that is not the benchmark's own (${HOME_DIR}); pass --port`);
  neo4jScript('start');
  if (neo4jScript('status') !== 0) throw new BenchAbort(`the benchmark's Neo4j (${HOME_DIR}) is not running on port ${port}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the synthetic graph

export async function read<T>(graph: GraphConnection, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const { records } = await graph.driver.executeQuery(query, params, { database: graph.database, routing: neo4j.routing.READ });
  return records.map((r) => r.toObject() as T);
}

async function completeLoad(graph: GraphConnection, hash: string): Promise<{ loadSeconds: number; loadedAt: string } | null> {
  const rows = await read<{ loadSeconds: number; loadedAt: string }>(
    graph,
    'MATCH (m:BenchMarker {id: $id}) WHERE m.complete AND m.specHash = $hash RETURN m.loadSeconds AS loadSeconds, m.loadedAt AS loadedAt',
    { id: MARKER, hash },
  );
  return rows[0] ?? null;
}

async function hasData(graph: GraphConnection): Promise<boolean> {
  const rows = await read(graph, 'MATCH (n) WHERE NOT n:SchemaMigration AND NOT n:SchemaMigrationLock RETURN 1 AS one LIMIT 1');
  return rows.length > 0;
}

export function progress(line: string, done = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${line}\n`);
}

async function load(graph: GraphConnection, spec: GraphSpec): Promise<number> {
  const started = performance.now();
  let total = 0;
  let lastLine = 0;
  for (const step of loadSteps(spec)) {
    const stepStart = performance.now();
    let rows = 0;
    let batch: Record<string, unknown>[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await graph.driver.executeQuery(step.cypher, { rows: batch }, { database: graph.database });
      rows += batch.length;
      total += batch.length;
      batch = [];
      const now = performance.now();
      const line = `  loading ${step.name}: ${rows.toLocaleString('en-US')} rows (${Math.round((rows * 1000) / (now - stepStart)).toLocaleString('en-US')}/s), ${total.toLocaleString('en-US')} in ${((now - started) / 1000).toFixed(0)} s`;
      if (process.stderr.isTTY) progress(line);
      else if (now - lastLine > 10_000) {
        process.stderr.write(`${line}\n`);
        lastLine = now;
      }
    };
    for (const row of step.rows()) {
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    progress(
      `  loaded ${step.name}: ${rows.toLocaleString('en-US')} rows in ${((performance.now() - stepStart) / 1000).toFixed(1)} s`,
      true,
    );
  }
  return (performance.now() - started) / 1000;
}

/** Makes sure the benchmark database holds a complete load of `spec`; returns the load time and whether it ran now. */
export async function ensureGraph(
  connect: () => Promise<GraphConnection>,
  spec: GraphSpec,
  rebuild: boolean,
): Promise<{ graph: GraphConnection; loadSeconds: number; loadedNow: boolean; loadedAt: string }> {
  let graph = await connect();
  const hash = specHash(spec);
  const existing = rebuild ? null : await completeLoad(graph, hash);
  if (existing) {
    process.stderr.write(`  graph ${hash} already loaded (${existing.loadedAt}, ${existing.loadSeconds.toFixed(0)} s)\n`);
    await applyMigrations(graph, MIGRATIONS);
    return { graph, ...existing, loadedNow: false };
  }
  if (await hasData(graph)) {
    // A partial or different load: a fresh store is far quicker than deleting a million nodes.
    process.stderr.write(`  dropping the benchmark store (${rebuild ? '--rebuild' : 'incomplete or different graph'})\n`);
    await graph.driver.close();
    neo4jScript('stop');
    rmSync(path.join(REPO, HOME_DIR), { recursive: true, force: true });
    await startOwnNeo4j();
    graph = await connect();
  }
  const report = await applyMigrations(graph, MIGRATIONS);
  process.stderr.write(`  migrations applied: ${report.applied.join(', ') || 'none new'}\n`);
  process.stderr.write(`  generating and loading synthetic graph ${hash} in ${BATCH.toLocaleString('en-US')}-row transactions\n`);
  const loadSeconds = await load(graph, spec);
  const loadedAt = new Date().toISOString();
  await graph.driver.executeQuery(
    'CREATE (:BenchMarker {id: $id, specHash: $hash, generatorVersion: $version, complete: true, loadSeconds: $loadSeconds, loadedAt: $loadedAt})',
    { id: MARKER, hash, version: neo4j.int(GENERATOR_VERSION), loadSeconds, loadedAt },
    { database: graph.database },
  );
  process.stderr.write(`  loaded in ${loadSeconds.toFixed(0)} s\n`);
  return { graph, loadSeconds, loadedNow: true, loadedAt };
}

interface GraphSize {
  readonly nodes: number;
  readonly relationships: number;
  readonly byLabel: Record<string, number>;
  readonly byType: Record<string, number>;
}

export async function graphSize(graph: GraphConnection): Promise<GraphSize> {
  const count = async (query: string): Promise<number> => Number((await read<{ n: unknown }>(graph, query))[0]?.n ?? 0);
  const byLabel: Record<string, number> = {};
  for (const label of ['Artifact', 'Model', 'Dataset', 'File', 'Package', 'PipelineRun', 'Builder', 'Attestation', 'Key'])
    byLabel[label] = await count(`MATCH (n:${label}) RETURN count(n) AS n`);
  const byType: Record<string, number> = {};
  const types = await read<{ t: string }>(graph, 'CALL db.relationshipTypes() YIELD relationshipType AS t RETURN t ORDER BY t');
  for (const { t } of types) if (/^[A-Z_]+$/.test(t)) byType[t] = await count(`MATCH ()-[r:${t}]->() RETURN count(r) AS n`);
  return {
    nodes: await count('MATCH (n) RETURN count(n) AS n'),
    relationships: await count('MATCH ()-[r]->() RETURN count(r) AS n'),
    byLabel,
    byType,
  };
}
